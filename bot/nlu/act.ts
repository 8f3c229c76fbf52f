// Dialogue act, apart from topic: does the user ask the assistant to DO something for them
// ("帮我查…", "帮我撤回…", "给我…", "我要调单位") or ask HOW to do it themselves ("怎么…", "在哪…")?
// The topic says what the message is about; the act says which of the paired entries answers it
// (the acting flow or the how-to entry).
export type Act = "do" | "how" | "none";

// Someone else is asked to act: "帮我", "替我", "给我", "你…直接", "后台…", "麻烦…帮".
const REQUEST =
  /(帮我|帮忙|帮俺|替我|给我(?!讲|说|写|发个|解释)|你(?:们)?(?:能|可以|能不能|可不可以)?(?:直接|帮|给|替|查|看)|麻烦(?:你|您)?(?:直接)?帮|后台.{0,4}(?:帮|给|撤|查|转|改)|请你|(?:^|\s)(?:查|看)一?下我的|please\s+(?:check|withdraw|transfer|help))/i;
// "我要/我想" + a verb the assistant can do, without asking how.
const WANT = /(?:我要|我想|我需要)(?:调|转|撤回|撤销|查)/;
const HOW = /(怎么|怎样|如何|咋|在哪|哪里|哪儿|什么地方|步骤|流程|自己|能不能自己|how\s+(?:to|do|can))/i;
// The assistant cannot write, tell jokes or chat about the world: those "help me" are not acts.
const NOT_OURS = /(写|讲|翻译|画|笑话|代码|总结|作文|诗)/;

export function detectAct(text: string): Act {
  const t = text.normalize("NFKC");
  const request = REQUEST.test(t) && !NOT_OURS.test(t);
  const how = HOW.test(t);
  if (request && how) {
    // "帮我看看怎么撤回" asks how; "你直接帮我撤回吧，我自己撤不了" asks to act.
    return /(自己(?:撤|弄|操作|办)?不了|不会弄|直接)/.test(t) ? "do" : "how";
  }
  if (request || WANT.test(t)) return "do";
  if (how) return "how";
  return "none";
}

/** Acting entry ↔ the how-to entries on the same topic. */
export const ACT_PAIRS: Record<string, string[]> = {
  "action.check-progress": ["register.review-time", "login.under-review"],
  "action.withdraw": ["register.wrong-unit"],
  "action.transfer": ["staff.transfer-unit"],
};
const HOWTO_TO_ACTION = new Map<string, string>();
for (const [a, hs] of Object.entries(ACT_PAIRS)) for (const h of hs) HOWTO_TO_ACTION.set(h, a);
// The verb that must be present for a how-to topic to become its acting flow.
const ACTION_VERB: Record<string, RegExp> = {
  "action.check-progress": /(查|看|进度|审核到|通过没|过了没|审没审|状态)/,
  "action.withdraw": /(撤|取消|退回)/,
  "action.transfer": /(调|转|换单位|发起)/,
};

export const isAction = (id: string) => id.startsWith("action.");
/** The acting entry paired with a how-to entry, if any. */
export const actionFor = (id: string) => HOWTO_TO_ACTION.get(id);
/** The how-to entry for an acting entry (the first of its pair). */
export const howtoFor = (id: string) => ACT_PAIRS[id]?.[0];

/** The id that answers a topic under an act: "帮我撤回" on the wrong-unit topic starts the withdraw flow. */
export function applyAct(id: string, act: Act, text: string): string {
  if (act === "do") {
    const a = actionFor(id);
    if (a && ACTION_VERB[a].test(text)) return a;
  }
  if (act === "how" && isAction(id)) return howtoFor(id) ?? id;
  return id;
}
