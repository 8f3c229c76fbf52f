// Title date helper: how the title was obtained, and for 评审 in Tai'an, before or after 2021-05-01.
import type { FlowDef, FlowContext, FlowStep } from "./types.ts";
import { ask, picked, inputText, answerThenAsk } from "./common.ts";
import { parseLooseDate, relativeToSwitch } from "./dates.ts";

const HOW = ["评审取得", "考试取得", "大、中专毕业生转正定职取得"];
const CITY = ["枣庄", "泰安", "其他城市"];
const TOPIC = "register.title-date";

const RULE_EXAM = "经考试取得职称的，职称评审通过时间从考试最后一天（生效时间）起算。";
const RULE_GRAD = "大、中专毕业生转正定职取得的职称，从具有职称管理权限的人力资源社会保障部门或者主管部门审批之日起算。";
const RULE_REVIEW = "经评审取得职称的，从评审通过之日起算。";
const RULE_TA_BEFORE = "按泰安市的说明：经评审取得职称的，2021年5月1日前取得的从公布之日起算。您的职称在2021年5月1日前取得，请填写公布之日。";
const RULE_TA_AFTER = "按泰安市的说明：经评审取得职称的，2021年5月1日后取得的从评审通过之日起算。您的职称在2021年5月1日后取得，请填写评审通过之日。";

interface State { step: "how" | "city" | "date"; how?: number }
type Step = FlowStep<State>;

const done = (text: string, state: State): Step => ({ replies: [{ text, topic: TOPIC }], state, status: "done", topic: TOPIC });

function reviewRule(ctx: FlowContext, state: State, region: string | null): Step {
  if (region === "zaozhuang") return done(`按枣庄市的说明：${RULE_REVIEW}`, state);
  if (region === "taian") {
    return { replies: [{ text: "泰安市以2021年5月1日为界：之前取得的从公布之日起算，之后取得的从评审通过之日起算。请问您的职称是什么时候评审通过的？（如 2020年6月 或 2021.5.20）", topic: TOPIC }], state: { ...state, step: "date" }, status: "waiting", topic: TOPIC };
  }
  return { replies: [ask("评审取得的职称，枣庄市和泰安市的填写规则不同。请问您是哪个城市的？", CITY, TOPIC)], state: { ...state, step: "city" }, status: "waiting", topic: TOPIC };
}

export const titleDate: FlowDef<State> = {
  name: "title-date",
  version: 1,
  topic: TOPIC,
  start(ctx) {
    return answerThenAsk(ctx, TOPIC, "您的职称是怎么取得的？我帮您确定填哪一天。", HOW, { step: "how" });
  },
  step(ctx, state, input) {
    const text = inputText(input);
    if (state.step === "how") {
      let i = picked(input, HOW);
      if (i === undefined) {
        if (/转正|定职|毕业/.test(text)) i = 2;
        else if (/考/.test(text)) i = 1;
        else if (/评/.test(text)) i = 0;
      }
      if (i === 1) return done(RULE_EXAM, state);
      if (i === 2) return done(RULE_GRAD, state);
      if (i === 0) return reviewRule(ctx, { ...state, how: 0 }, ctx.region);
      return { replies: [], state, status: "waiting", unhandled: true };
    }
    if (state.step === "city") {
      let i = picked(input, CITY);
      if (i === undefined) {
        const r = ctx.regionOf(text);
        i = r === "zaozhuang" ? 0 : r === "taian" ? 1 : r === "other" || /其他|别的|外地/.test(text) ? 2 : undefined;
      }
      if (i === 0) return { ...reviewRule(ctx, state, "zaozhuang"), setRegion: "zaozhuang" };
      if (i === 1) return { ...reviewRule(ctx, state, "taian"), setRegion: "taian" };
      if (i === 2) return done(`${RULE_REVIEW}（这是枣庄市的说明；泰安市另有以2021年5月1日为界的规定。其他城市请以当地人社部门的要求为准。）`, state);
      if (ctx.region) return reviewRule(ctx, state, ctx.region);
      return { replies: [], state, status: "waiting", unhandled: true };
    }
    // step "date"
    const d = parseLooseDate(text);
    if (!d) {
      if (/不记得|忘了|不知道|忘记/.test(text)) return done("您可以查看职称证书或评审文件上的日期。泰安市的规定是：2021年5月1日前取得的从公布之日起算，2021年5月1日后取得的从评审通过之日起算。", state);
      return { replies: [], state, status: "waiting", unhandled: true };
    }
    const r = relativeToSwitch(d);
    if (r === "before") return done(RULE_TA_BEFORE, state);
    if (r === "after") return done(RULE_TA_AFTER, state);
    if (r === "need-day" || r === "need-month") {
      return { replies: [{ text: "2021年5月正好是规则变化的月份，请告诉我具体是哪一天（如 2021年5月20日）。", topic: TOPIC }], state, status: "waiting", topic: TOPIC };
    }
    return done("泰安市的说明以2021年5月1日为界（之前从公布之日起算，之后从评审通过之日起算），没有写明正好在5月1日当天取得的情况。建议回复“转人工”由人工客服为您确认。", state);
  },
};
