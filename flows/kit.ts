// What every flow uses: structured questions, picking a choice (by number, label or words),
// yes/no, the city picker, and the small step shapes. One copy, here.
import type { Expects, Region, Reply } from "../bot/message.ts";
import type { FlowContext, FlowInput, FlowStep, PlatformOp, PlatformResult, PlatformResultFor } from "./types.ts";

/** A question with choices. The text never lists the choices: channels render them. */
export function ask(text: string, choices: readonly string[], topic: string | null = null, expects: Expects = "pick-or-text"): Reply {
  return { text, choices: [...choices], expects, topic };
}

/** A question answered by typing. */
export function askText(text: string, topic: string | null = null, expects: Expects = "text", sensitiveInput = false): Reply {
  return sensitiveInput ? { text, expects, topic, sensitiveInput } : { text, expects, topic };
}

/** A statement (nothing awaited). */
export const say = (text: string, topic: string | null = null): Reply => ({ text, topic });

export const inputText = (input: FlowInput): string => (input.kind === "text" || input.kind === "start" ? input.text : "");

/** The platform's result for `op` when the input carries it, else null (text, or another op's result). */
export function resultFor<K extends PlatformOp>(input: FlowInput, op: K): PlatformResultFor<K> | null {
  return input.kind === "result" && isFor(input.result, op) ? input.result : null;
}
// TypeScript does not narrow a mapped union by a generic key; the op field is the whole test.
const isFor = <K extends PlatformOp>(r: PlatformResult, op: K): r is PlatformResultFor<K> => r.op === op;

// ---------------------------------------------------------------- step shapes

/** The flow asks and waits. */
export function waitFor<S>(state: S, topic: string | null, ...replies: Reply[]): FlowStep<S> {
  return { replies, state, status: "waiting", topic };
}

/** The flow has said what it had to. */
export function finish<S>(state: S, topic: string | null, ...replies: (Reply | string)[]): FlowStep<S> {
  return { replies: replies.map((r) => (typeof r === "string" ? say(r, topic) : r)), state, status: "done", topic };
}

/** Input the flow does not understand: the core may take it as a new question. */
export function unhandled<S>(state: S): FlowStep<S> {
  return { replies: [], state, status: "waiting", unhandled: true };
}

/** A flow's first turn: the entry's full answer for the known region, then its narrowing question. */
export function answerThenAsk<S>(ctx: FlowContext, topic: string, question: Reply, state: S): FlowStep<S> {
  return waitFor(state, topic, say(ctx.answer(topic), topic), question);
}

// ---------------------------------------------------------------- picking

export interface Option<V> {
  label: string;
  value: V;
}

const squash = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");

/**
 * The value of the option the input picks: the number the core resolved or the button clicked
 * (choiceIndex), else the label typed, else the first of `words` whose pattern the text matches.
 */
export function choose<V>(input: FlowInput, options: readonly Option<V>[], words: readonly (readonly [RegExp, V])[] = []): V | undefined {
  if (input.kind !== "text") return undefined;
  if (input.choiceIndex !== undefined) return options[input.choiceIndex]?.value;
  const t = squash(input.text);
  const byLabel = options.find((o) => squash(o.label) === t);
  if (byLabel) return byLabel.value;
  return words.find(([re]) => re.test(input.text.trim()))?.[1];
}

/** Options whose values are their own labels. */
export const labelled = <L extends string>(labels: readonly L[]): Option<L>[] => labels.map((label) => ({ label, value: label }));

export const YES = /^(确认|是|是的|对|好|好的|确定|提交|撤回|yes)/i;
export const NO = /^(不|否|先不|no)/i;

/** A yes/no answer to a question whose choices are [yes, no]: true, false, or undefined. */
export function yesNo(input: FlowInput, labels: readonly [string, string], yes: RegExp = YES, no: RegExp = NO): boolean | undefined {
  // "No" words first: 不用查了 / 不用你帮我 contain a "yes" word.
  return choose(
    input,
    [
      { label: labels[0], value: true },
      { label: labels[1], value: false },
    ],
    [
      [no, false],
      [yes, true],
    ],
  );
}

// ---------------------------------------------------------------- city

export const CITY_CHOICES = ["枣庄", "泰安", "其他城市"] as const;
export type CityPick = Region | "other";

/** Asks which city, with the three choices. */
export const askCity = (text: string, topic: string | null): Reply => ask(text, CITY_CHOICES, topic);

/** The city the input picks: a choice, a place the text names, or "other" for 其他 / 外地. */
export function pickCity(ctx: FlowContext, input: FlowInput): CityPick | undefined {
  const picked = choose<CityPick>(input, [
    { label: CITY_CHOICES[0], value: "zaozhuang" },
    { label: CITY_CHOICES[1], value: "taian" },
    { label: CITY_CHOICES[2], value: "other" },
  ]);
  if (picked) return picked;
  const text = inputText(input);
  if (!text) return undefined;
  return ctx.regionOf(text) ?? (/其他|别的|外地/.test(text) ? "other" : undefined);
}
