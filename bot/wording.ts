// Every fixed sentence the bot says, in one place.
import type { Region } from "./message.ts";

export const CITY_NAME: Record<Region, string> = { zaozhuang: "枣庄市", taian: "泰安市" };

export const W = {
  declineOutOfScope:
    "抱歉，这个问题不在我能解答的范围内（我只解答山东省专业技术人员继续教育公共服务平台的注册、登录、密码、单位调转、学时申报等问题），不想给您错误的答复。",
  declineUnknown: "抱歉，我没能理解您的问题，不想给您错误的答复。",
  offerHuman: "如需人工客服帮助，请回复“转人工”。",
  clarifyLead: "您是想问：",
  secondaryLead: "您还问到了另一个问题：",
  askCity: "请问您是哪个城市的？告诉我城市（如“枣庄”或“泰安”），我只给您那个城市的说明。",
  cityLabel: (city: string) => `（以下为${city}的说明）`,
  oneEditionLabel: (city: string) => `${city}的说明：`,
  oneEditionNote: (city: string) => `（以上为${city}的说明，您所在城市可能有所不同，请以当地人社部门的要求为准。）`,
  otherCityNote: (name: string) => `您在${name}，以上涉及城市的部分请以${name}当地人社部门的要求为准，可向当地人社部门咨询。`,
  otherCityExamples: "以下枣庄市、泰安市的说明供参考：",
  regionAck: (city: string) => `好的，已记下您是${city}的，接下来按${city}的说明为您解答。请问有什么可以帮您？`,
  otherCityAck: (name: string) => `好的，您在${name}。我按全省通用的说明为您解答，涉及城市的部分请咨询${name}当地人社部门。请问有什么可以帮您？`,
  cancelled: "好的，已取消。还有其他问题可以直接问我。",
  /** A flow stopped in the user's own words (算了，不调了); `what` names it. */
  flowStopped: (what: string) => `好的，${what}不办了，没有做任何更改。还有其他问题可以直接问我。`,
  /** After answering a question asked in the middle of a flow. */
  flowResume: (what: string, ask: string) => `回答完这个问题后，我们继续刚才的${what}：${ask}`,
  flowResumeHint: "（不想继续可以回复“取消”。）",
  /** While a person is awaited after 转人工: what the user writes is passed on. */
  handoffWaitingAck: (ticket: string) => `收到，已把您的留言转给人工客服（工单号 ${ticket}），人工客服接入后会回复您，请稍候。`,
  handoffWaitingNoQueue: "收到。人工客服接入后会看到这里的对话，请稍候。",
  /** `helpdesk chat`: no agent can answer in the terminal. */
  handoffTerminal: "终端对话里没有人工客服接入：这里的转人工不会有人回复。请在网页或微信渠道里回复“转人工”，工单会进入客服后台等待人工处理。",
  restarted: "好的，我们重新开始。请问有什么可以帮您？",
  nothingToGoBack: "已经是第一步了。",
  notUnderstood: "抱歉，我没能理解您的回答。",
  flowUpdated: "（之前的办理步骤已更新，我们从头开始。）",
  passwordRefused: "为了您的账号安全，请不要在对话中发送密码。我不会使用或保存这条消息。如果密码已经发出，建议您尽快登录平台修改密码。",
  handoffFallback: "正在为您转接人工客服。",
  groupPersonal: "这件事需要核对身份证号等个人信息，群里不方便。请私聊我（直接给我发消息），我在私聊里继续帮您办理。",
  groupNoIdNumbers: "请不要在群里发身份证号等个人信息。",
  bareIdNumber: "收到的像是身份证号。请问需要我帮您办哪件事？办理时我会再核对身份。",
  /** What the transcript keeps instead of a password or a one-time code. */
  hiddenPassword: "[已隐藏：疑似密码]",
  hiddenCode: "[验证码]",
  welcome: "您好，我是山东省专业技术人员继续教育公共服务平台的智能客服，可以解答注册、登录、密码、单位调转、学时申报等问题。请直接输入您的问题。",
};

/**
 * How to answer a reply that offers choices, by what it expects: for a text-only channel
 * (numbers) and for a channel with buttons.
 */
export const HINTS: Record<"pick" | "pick-or-text" | "clarify" | "optional", { text: string; buttons: string }> = {
  pick: { text: "请回复序号选择。", buttons: "请点击下面的按钮选择。" },
  "pick-or-text": { text: "请回复序号，或直接输入。", buttons: "请点击下面的按钮选择，或直接输入。" },
  clarify: {
    text: "请回复序号选择；如果都不是，请换个说法再问，或回复“转人工”。",
    buttons: "请点击下面的按钮选择；如果都不是，请换个说法再问，或点击“转人工”。",
  },
  optional: { text: "需要的话请回复序号。", buttons: "需要的话请点击下面的按钮。" },
};

/** Numbered choices as a text-only channel shows them. */
export function numbered(labels: string[]): string {
  return labels.map((l, i) => `${i + 1}. ${l}`).join("\n");
}
