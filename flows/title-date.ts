// Title date helper: how the title was obtained, and for 评审 in Tai'an, before or after the
// switch day. Every rule it states comes from knowledge/flows/title-date.yaml.
import type { Region } from "../bot/message.ts";
import type { TitleDateRules } from "../knowledge/flow-rules.ts";
import type { FlowDef, FlowStep } from "./types.ts";
import { answerThenAsk, ask, askCity, askText, choose, finish, inputText, pickCity, unhandled, waitFor, type Option } from "./kit.ts";
import { parseIsoDay, parseLooseDate, relativeToSwitch } from "./dates.ts";

const TOPIC = "register.title-date";

type How = "review" | "exam" | "graduate";
const HOW: Option<How>[] = [
  { label: "评审取得", value: "review" },
  { label: "考试取得", value: "exam" },
  { label: "大、中专毕业生转正定职取得", value: "graduate" },
];
// In this order: 转正定职 may follow an exam, and 考评 is an exam.
const HOW_WORDS: [RegExp, How][] = [[/转正|定职|毕业/, "graduate"], [/考/, "exam"], [/评/, "review"]];
const FORGOT = /不记得|忘了|不知道|忘记/;

export type TitleDateState =
  /** Asked how the title was obtained. */
  | { step: "how" }
  /** Reviewed: asked which city (the rule differs). */
  | { step: "city" }
  /** Reviewed, Tai'an: asked when. */
  | { step: "date" };

export function titleDateFlow(rules: TitleDateRules): FlowDef<TitleDateState> {
  const { review } = rules;
  const taian = review.taian;
  const switchDay = parseIsoDay(taian.switch_date);
  const taianSays = (s: string) => `按泰安市的说明：${s}`;

  const reviewRule = (region: Region | null): FlowStep<TitleDateState> => {
    if (region === "zaozhuang") return finish({ step: "city" }, TOPIC, `按枣庄市的说明：${review.zaozhuang}`);
    if (region === "taian") return waitFor({ step: "date" }, TOPIC, askText(`${taianSays(taian.rule)}\n${taian.ask_date}`, TOPIC));
    return waitFor({ step: "city" }, TOPIC, askCity(review.ask_city, TOPIC));
  };

  return {
    name: "title-date",
    version: 2,
    topic: TOPIC,
    start(ctx) {
      return answerThenAsk(ctx, TOPIC, ask("您的职称是怎么取得的？我帮您确定填哪一天。", HOW.map((h) => h.label), TOPIC), { step: "how" });
    },
    step(ctx, state, input) {
      const text = inputText(input);
      switch (state.step) {
        case "how": {
          const how = choose(input, HOW, HOW_WORDS);
          if (how === "exam") return finish(state, TOPIC, rules.exam);
          if (how === "graduate") return finish(state, TOPIC, rules.graduate);
          if (how === "review") return reviewRule(ctx.region);
          return unhandled(state);
        }
        case "city": {
          const city = pickCity(ctx, input);
          if (city === "other") return finish(state, TOPIC, review.other_city);
          if (city) return { ...reviewRule(city), setRegion: city };
          return ctx.region ? reviewRule(ctx.region) : unhandled(state);
        }
        case "date": {
          const d = parseLooseDate(text);
          if (!d) return FORGOT.test(text) ? finish(state, TOPIC, `${taian.date_unknown}${taianSays(taian.rule)}`) : unhandled(state);
          switch (relativeToSwitch(d, switchDay)) {
            case "before": return finish(state, TOPIC, taian.before);
            case "after": return finish(state, TOPIC, taian.after);
            case "on": return finish(state, TOPIC, taian.on_switch_day);
            case "need-day":
            case "need-month": return waitFor(state, TOPIC, askText(taian.need_day, TOPIC));
          }
        }
      }
    },
  };
}
