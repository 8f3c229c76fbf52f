// Platform data for the acting flows' tables (shapes from adapters/platform/types.ts).
import type { RegistrationInfo, TransferInfo, UnitRef } from "../../adapters/platform/types.ts";

export const ID = "370402198503122013";
export const ID_MASKED = "3704**********2013";
/** Same number, wrong check digit. */
export const ID_BAD_DIGIT = "370402198503122015";

export const SCHOOL: UnitRef = { id: "u-school", name: "枣庄市示例第一中学", role: "employer", city: "zaozhuang" };
export const HOSPITAL: UnitRef = { id: "u-hospital", name: "枣庄市第二人民医院", role: "employer", city: "zaozhuang" };
export const HOSPITAL_TAIAN: UnitRef = { id: "u-hospital-ta", name: "泰安市第二人民医院", role: "employer", city: "taian" };

export function registration(state: RegistrationInfo["state"], over: Partial<RegistrationInfo> = {}): RegistrationInfo {
  return { idNumber: ID, name: "张明", role: "professional", state, unit: SCHOOL, reviewer: SCHOOL, submittedAt: "2026-11-10T08:00:00Z", ...over };
}

export function transferInfo(state: TransferInfo["state"], to: UnitRef = HOSPITAL): TransferInfo {
  return { id: "t1", idNumber: ID, from: SCHOOL, to, state, startedAt: "2026-11-12T08:00:00Z" };
}
