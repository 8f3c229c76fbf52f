// Replies as channels show them. The core's replies carry choices apart from their text; a
// text-only channel (CLI, replay, WeChat) numbers them, a channel with buttons adds its own hint.
import type { Reply } from "./message.ts";
import { HINTS, numbered } from "./wording.ts";

type Hinted = keyof typeof HINTS;
const hintOf = (r: Reply): Hinted => (r.expects && r.expects in HINTS ? (r.expects as Hinted) : "pick-or-text");

/** The text already tells how to pick every choice (如需人工客服帮助，请回复“转人工”). */
const textSaysChoices = (r: Reply) => (r.choices ?? []).every((c) => r.text.includes(`“${c}”`));

/**
 * A reply for a text-only channel: the text, the numbered choices, and how to answer.
 * `numbers` lets a channel spell the hint its own way (WeChat: 请回复 1 / 2 选择).
 */
export function renderText(r: Reply, numbers?: (n: number) => string): string {
  const choices = r.choices ?? [];
  if (!choices.length || textSaysChoices(r)) return r.text;
  let hint = HINTS[hintOf(r)].text;
  if (numbers) hint = hint.replace("回复序号", `回复 ${numbers(choices.length)} `).replace(/ ([，。；])/g, "$1");
  return `${r.text}\n${numbered(choices)}\n${hint}`;
}

/** A reply for a channel that shows choices as buttons: the text and how to use them. */
export function renderForButtons(r: Reply): string {
  const choices = r.choices ?? [];
  if (!choices.length || textSaysChoices(r)) return r.text;
  return `${r.text}\n${HINTS[hintOf(r)].buttons}`;
}

/** A turn's replies as one text (CLI, replay, eval). */
export const renderAllText = (replies: Reply[], numbers?: (n: number) => string): string => replies.map((r) => renderText(r, numbers)).join("\n\n");
