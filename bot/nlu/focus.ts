// Question focus for long messages: a story, a forwarded group-chat log or a pasted conversation
// whose real question comes at the end ("想问…", the last question mark). The preamble is context
// (place, role); the focus is what gets matched. Short messages are their own focus.
const LONG = 40; // characters; below this a message is one question

// Markers after which the user states the question itself.
const ASK = /(?:想问一下|想问下|想问问|想问|请问一下|请问|问一下|问下|我的问题是|问题是|咨询一下|咨询下|求助)[:：，,\s]*/g;
// A chat-log line: "张三: …", "[10:32] 李四：…", "老师 10:32".
const LOG_LINE = /^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?[\p{Script=Han}A-Za-z0-9_]{1,12}\s*(?:\d{1,2}:\d{2})?\s*[:：]/u;

/** The part of a long message that carries the question, or undefined when it is all one question. */
export function questionFocus(text: string): string | undefined {
  const t = text.normalize("NFKC").trim();
  if ([...t].length < LONG) return undefined;
  // The last explicit "I want to ask" marker: what follows is the question.
  let at = -1,
    len = 0;
  for (const m of t.matchAll(ASK)) {
    at = m.index ?? -1;
    len = m[0].length;
  }
  if (at >= 0) {
    const rest = t.slice(at + len).trim();
    if ([...rest].length >= 4) return cap(rest);
  }
  // The sentence that ends with the last question mark.
  const sentences = t
    .split(/(?<=[？?])|[。！!\n；;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const asked = sentences.filter((s) => /[？?]$/.test(s));
  if (asked.length) {
    let last = asked[asked.length - 1].replace(LOG_LINE, "");
    // A short question leans on the sentence before it ("…选错了单位。怎么办？").
    if ([...last].length < 8) {
      const i = sentences.lastIndexOf(asked[asked.length - 1]);
      if (i > 0) last = sentences[i - 1].replace(LOG_LINE, "") + last;
    }
    return cap(last);
  }
  // A log without question marks: its last line from the asker.
  const lines = t.split("\n").filter((l) => l.trim());
  if (lines.length > 2) return cap(lines[lines.length - 1].replace(LOG_LINE, ""));
  return undefined;
}

const cap = (s: string) => [...s].slice(-80).join("").trim();
