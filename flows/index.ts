// Every guided flow the core knows. The flows that state rules are built from the rules staff
// edit (knowledge/flows/*.yaml), loaded once.
import type { AnyFlow } from "./types.ts";
import { loadFlowRules, type FlowRules } from "../knowledge/flow-rules.ts";
import { loginTrouble } from "./login-trouble.ts";
import { passwordForgotFlow } from "./password-forgot.ts";
import { titleDateFlow } from "./title-date.ts";
import { wrongUnit } from "./wrong-unit.ts";
import { checkProgress, withdraw, transfer, withdrawStatus, transferStatus } from "./actions.ts";
import { specialRegistration } from "./special-registration.ts";

/** The flows, stating the given rules. */
export function buildFlows(rules: FlowRules): AnyFlow[] {
  return [
    loginTrouble,
    passwordForgotFlow(rules.password),
    titleDateFlow(rules.titleDate),
    wrongUnit,
    checkProgress,
    withdraw,
    transfer,
    specialRegistration,
    withdrawStatus,
    transferStatus,
  ];
}

/** The flows with the rules of the knowledge folder (HELPDESK_KNOWLEDGE_DIR or the repository's),
 * read when this module is first imported. A composition root that loads knowledge itself calls
 * buildFlows(loadFlowRules(dir, entries)) instead. */
export const ALL_FLOWS: AnyFlow[] = buildFlows(loadFlowRules());
