// Special registration guide: after the general how-to, one choice per special case; the answer
// is that case's entry for the user's city (asked for when the editions differ and no city is known).
import type { FlowDef, FlowStep } from "./types.ts";
import { answerThenAsk, ask, askCity, choose, finish, inputText, pickCity, unhandled, waitFor, type Option } from "./kit.ts";

const TOPIC = "register.how";
const CASES = [
  { id: "special.hrss-internal", label: "人社局内部科室或局属单位" },
  { id: "special.township", label: "乡镇人社所" },
  { id: "special.central-provincial", label: "中央、省驻当地单位" },
  { id: "special.private-enterprise", label: "民营企业 / 非公有制经济组织人员" },
  { id: "special.freelancer", label: "自由职业者" },
  { id: "special.dispatched", label: "劳务派遣或外派人员" },
] as const;
type CaseId = (typeof CASES)[number]["id"];
const CASE_OPTIONS: Option<CaseId>[] = CASES.map((c) => ({ label: c.label, value: c.id }));
const CASE_IDS: string[] = CASES.map((c) => c.id);
const isCaseId = (id: string): id is CaseId => CASE_IDS.includes(id);
/** Cases whose answer differs by city. */
const REGIONAL: ReadonlySet<CaseId> = new Set<CaseId>([
  "special.hrss-internal",
  "special.township",
  "special.central-provincial",
  "special.private-enterprise",
]);

export type SpecialRegistrationState =
  /** Offered the special cases. */
  | { step: "case" }
  /** The case differs by city: asked which. */
  | { step: "city"; id: CaseId };

export const specialRegistration: FlowDef<SpecialRegistrationState> = {
  name: "special-registration",
  version: 2,
  topic: TOPIC,
  start(ctx) {
    // The cases are offers: anything else is a new question.
    const question = ask(
      "如果您属于下面的特殊情况，可以选择查看对应的注册方法；不是的话直接问别的问题即可。",
      CASE_OPTIONS.map((c) => c.label),
      TOPIC,
      "optional",
    );
    return answerThenAsk(ctx, TOPIC, question, { step: "case" });
  },
  step(ctx, state, input): FlowStep<SpecialRegistrationState> {
    if (state.step === "case") {
      const classified = choose(input, CASE_OPTIONS) ?? ctx.classify(inputText(input), CASE_IDS);
      const id = classified !== null && isCaseId(classified) ? classified : null;
      if (!id) return unhandled(state);
      if (REGIONAL.has(id) && !ctx.region) {
        return waitFor({ step: "city", id }, id, askCity("这种情况枣庄市和泰安市的填写方法不同，请问您是哪个城市的？", id));
      }
      return finish(state, id, ctx.answer(id));
    }
    const city = pickCity(ctx, input);
    if (!city) return unhandled(state);
    const { id } = state;
    if (city === "other") return finish(state, id, `${ctx.answer(id)}\n\n其他城市请以当地人社部门的要求为准。`);
    return { ...finish(state, id, ctx.answerFor(id, city)), setRegion: city };
  },
};
