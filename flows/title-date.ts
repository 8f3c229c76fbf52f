// Title date helper: how the title was obtained, and for 评审 in Tai'an, before or after the
// switch day. Every rule it states comes from knowledge/flows/title-date.yaml.
import type { Region } from "../bot/message.ts";
import type { TitleDateRules } from "../knowledge/flow-rules.ts";
import type { FlowDef, FlowStep } from "./types.ts";
import { answerThenAsk, ask, askCity, askText, choose, finish, inputText, pickCity, say, unhandled, waitFor, type Option } from "./kit.ts";
import { parseIsoDay, parseLooseDate, relativeToSwitch, type LooseDate } from "./dates.ts";

const TOPIC = "register.title-date";

type How = "review" | "exam" | "graduate";
const HOW: Option<How>[] = [
  { label: "评审取得", value: "review" },
  { label: "考试取得", value: "exam" },
  { label: "大、中专毕业生转正定职取得", value: "graduate" },
];
// In this order: 转正定职 may follow an exam, and 考评 is an exam.
const HOW_WORDS: [RegExp, How][] = [
  [/转正|定职|毕业/, "graduate"],
  [/考/, "exam"],
  [/评/, "review"],
];
const FORGOT = /不记得|忘了|不知道|忘记/;
/** How the title was obtained, said in the first message ("评审取得的职称，通过时间怎么填"):
 * stricter than HOW_WORDS, since every first message says 评审通过时间. */
function howSaidFirst(text: string): How | undefined {
  const t = text.replace(/(职称)?(评审)?(通过|取得)?(的)?(时间|日期|之日|哪天|哪一天)/g, " ");
  if (/转正定职|毕业生/.test(t)) return "graduate";
  if (/考试(取得|获得|拿到|考的|通过的|的)|是考的|考出来|以考代评/.test(t)) return "exam";
  if (/评审(取得|获得|拿到|的)|通过评审|是评的|评的|是评审/.test(t)) return "review";
  return undefined;
}
const ASK_DATE_EXAMPLE = "抱歉，这个时间我没看懂。请按这样的格式告诉我：2020年6月、2021.5.20，或“去年三月”。";
const dateSaid = (d: LooseDate) => `${d.year}年${d.month ? `${d.month}月` : ""}${d.day ? `${d.day}日` : ""}`;

export type TitleDateState =
  /** Asked how the title was obtained. */
  | { step: "how" }
  /** Reviewed: asked which city (the rule differs); a date already given is kept. */
  | { step: "city"; date?: LooseDate }
  /** Reviewed, Tai'an: asked when. */
  | { step: "date" };

export function titleDateFlow(rules: TitleDateRules): FlowDef<TitleDateState> {
  const { review } = rules;
  const taian = review.taian;
  const switchDay = parseIsoDay(taian.switch_date);
  const taianSays = (s: string) => `按泰安市的说明：${s}`;

  const byDate = (d: LooseDate, lead = ""): FlowStep<TitleDateState> => {
    const state: TitleDateState = { step: "date" };
    switch (relativeToSwitch(d, switchDay)) {
      case "before":
        return finish(state, TOPIC, `${lead}${taian.before}`);
      case "after":
        return finish(state, TOPIC, `${lead}${taian.after}`);
      case "on":
        return finish(state, TOPIC, `${lead}${taian.on_switch_day}`);
      case "need-day":
      case "need-month":
        return waitFor(state, TOPIC, askText(`${lead}${taian.need_day}`, TOPIC));
    }
  };
  const reviewRule = (region: Region | null, date?: LooseDate, lead = ""): FlowStep<TitleDateState> => {
    if (region === "zaozhuang") return finish({ step: "city" }, TOPIC, `${lead}按枣庄市的说明：${review.zaozhuang}`);
    if (region === "taian")
      return date
        ? byDate(date, `${lead}${taianSays(taian.rule)}\n`)
        : waitFor({ step: "date" }, TOPIC, askText(`${lead}${taianSays(taian.rule)}\n${taian.ask_date}`, TOPIC));
    return waitFor({ step: "city", ...(date ? { date } : {}) }, TOPIC, askCity(`${lead}${review.ask_city}`, TOPIC));
  };

  return {
    name: "title-date",
    version: 3,
    topic: TOPIC,
    start(ctx, { text }) {
      // What the first message already says: how the title was obtained, the city, the date.
      const how = howSaidFirst(text);
      const date = parseLooseDate(text.replace(/(\d{15,17}[\dXx])/g, " "), ctx.now()) ?? undefined;
      const first = (step: FlowStep<TitleDateState>) => ({ ...step, replies: [say(ctx.answer(TOPIC), TOPIC), ...step.replies] });
      if (how === "exam") return first(finish({ step: "how" }, TOPIC, rules.exam));
      if (how === "graduate") return first(finish({ step: "how" }, TOPIC, rules.graduate));
      if (how === "review") return first(reviewRule(ctx.region, date, "好的，您的职称是评审取得的。"));
      return answerThenAsk(
        ctx,
        TOPIC,
        ask(
          "您的职称是怎么取得的？我帮您确定填哪一天。",
          HOW.map((h) => h.label),
          TOPIC,
        ),
        { step: "how" },
      );
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
          const date = parseLooseDate(text, ctx.now()) ?? state.date;
          if (city === "other") return finish(state, TOPIC, review.other_city);
          if (city) return { ...reviewRule(city, date), setRegion: city };
          if (ctx.region) return reviewRule(ctx.region, date);
          // A date typed where the city was asked: kept, and the city asked again.
          if (date && !state.date) return waitFor({ step: "city", date }, TOPIC, askCity(`好的，记下了时间：${dateSaid(date)}。${review.ask_city}`, TOPIC));
          return unhandled(state);
        }
        case "date": {
          const d = parseLooseDate(text, ctx.now());
          if (!d) {
            if (FORGOT.test(text)) return finish(state, TOPIC, `${taian.date_unknown}${taianSays(taian.rule)}`);
            // Something date-like that could not be read: an example, not a new question.
            return /\d|年|月|号|日|前|去|今|底|初/.test(text) && [...text].length <= 16
              ? waitFor(state, TOPIC, askText(ASK_DATE_EXAMPLE, TOPIC))
              : unhandled(state);
          }
          return byDate(d);
        }
      }
    },
  };
}
