// Staff notices go right after the last answer about the topic, so a choice prompt stays the
// last thing said.
import type { Reply } from "../message.ts";

export function placeNotices(replies: Reply[], topic: string | null, texts: string[]): Reply[] {
  if (!topic || !texts.length) return replies;
  let at = -1;
  replies.forEach((x, i) => {
    if (x.topic === topic && !x.choices?.length) at = i;
  });
  const out = [...replies];
  out.splice(at + 1, 0, { text: texts.join("\n"), topic });
  return out;
}
