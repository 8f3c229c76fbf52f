// Every guided flow the engine knows.
import type { FlowDef } from "./types.ts";
import { loginTrouble } from "./login-trouble.ts";
import { passwordForgot } from "./password-forgot.ts";
import { titleDate } from "./title-date.ts";
import { wrongUnit } from "./wrong-unit.ts";
import { checkProgress, withdraw, transfer } from "./actions.ts";
import { specialRegistration } from "./special-registration.ts";

export const ALL_FLOWS: FlowDef<any>[] = [loginTrouble, passwordForgot, titleDate, wrongUnit, checkProgress, withdraw, transfer, specialRegistration];
