// Special registration guide: after the general how-to, one choice per special case; the answer
// is that case's entry for the user's city (asked for when the editions differ and no city is known).
import type { FlowDef, FlowStep } from "./types.ts";
import { ask, picked, inputText, answerThenAsk } from "./common.ts";

const CASES = [
  { id: "special.hrss-internal", label: "人社局内部科室或局属单位" },
  { id: "special.township", label: "乡镇人社所" },
  { id: "special.central-provincial", label: "中央、省驻当地单位" },
  { id: "special.private-enterprise", label: "民营企业 / 非公有制经济组织人员" },
  { id: "special.freelancer", label: "自由职业者" },
  { id: "special.dispatched", label: "劳务派遣或外派人员" },
];
const CITY = ["枣庄", "泰安", "其他城市"];
const REGIONAL = new Set(["special.hrss-internal", "special.township", "special.central-provincial", "special.private-enterprise"]);

interface State { step: "case" | "city"; id?: string }

export const specialRegistration: FlowDef<State> = {
  name: "special-registration",
  version: 1,
  topic: "register.how",
  start(ctx) {
    return answerThenAsk(ctx, "register.how", "如果您属于下面的特殊情况，回复序号查看对应的注册方法；不是的话直接问别的问题即可：", CASES.map((c) => c.label), { step: "case" });
  },
  step(ctx, state, input): FlowStep<State> {
    const text = inputText(input);
    if (state.step === "case") {
      let i = picked(input, CASES.map((c) => c.label));
      if (i === undefined) {
        const id = ctx.classify(text, CASES.map((c) => c.id));
        if (id) i = CASES.findIndex((c) => c.id === id);
      }
      if (i === undefined || i < 0) return { replies: [], state, status: "waiting", unhandled: true };
      const id = CASES[i].id;
      if (REGIONAL.has(id) && !ctx.region) {
        return { replies: [ask("这种情况枣庄市和泰安市的填写方法不同，请问您是哪个城市的？", CITY, id)], state: { step: "city", id }, status: "waiting", topic: id };
      }
      return { replies: [{ text: ctx.answer(id), topic: id }], state, status: "done", topic: id };
    }
    let c = picked(input, CITY);
    if (c === undefined) {
      const r = ctx.regionOf(text);
      c = r === "zaozhuang" ? 0 : r === "taian" ? 1 : r === "other" || /其他|别的|外地/.test(text) ? 2 : undefined;
    }
    if (c === undefined) return { replies: [], state, status: "waiting", unhandled: true };
    const id = state.id!;
    const region = c === 0 ? "zaozhuang" : c === 1 ? "taian" : null;
    const text2 = region ? ctx.answerFor(id, region) : `${ctx.answer(id)}\n\n其他城市请以当地人社部门的要求为准。`;
    return { replies: [{ text: text2, topic: id }], state, status: "done", topic: id, setRegion: region ?? undefined };
  },
};
