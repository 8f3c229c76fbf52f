// Small helpers the flows share.
import type { Reply } from "../bot/message.ts";
import type { FlowContext, FlowInput, FlowStep } from "./types.ts";

/** A question with numbered choices, as text and as buttons. */
export function ask(lead: string, choices: string[], topic: string | null = null): Reply {
  return { text: lead, choices, expects: "pick-or-text", topic };
}

/** The index of the choice the input picks: a number the engine resolved, or the label's words. */
export function picked(input: FlowInput, choices: string[]): number | undefined {
  if (input.kind !== "text") return undefined;
  if (input.choiceIndex !== undefined) return input.choiceIndex;
  const t = input.text.replace(/\s+/g, "");
  const i = choices.findIndex((c) => c.replace(/\s+/g, "") === t);
  return i >= 0 ? i : undefined;
}

export const inputText = (input: FlowInput) => (input.kind === "text" || input.kind === "start" ? input.text : "");

/** A flow's first turn: the entry's full answer for the known region, then its narrowing question. */
export function answerThenAsk<S>(ctx: FlowContext, topic: string, lead: string, choices: string[], state: S): FlowStep<S> {
  return { replies: [{ text: ctx.answer(topic), topic }, ask(lead, choices, topic)], state, status: "waiting", topic };
}

/** A yes/no answer: the choice picked, or the words people use. */
export function yesOrNo(input: FlowInput, labels: string[], yes: RegExp, no: RegExp): number | undefined {
  const text = inputText(input).trim();
  return picked(input, labels) ?? (yes.test(text) ? 0 : no.test(text) ? 1 : undefined);
}
