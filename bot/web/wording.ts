// Fixed wording of the channels (widget, WeChat, Bot Framework). The core's own sentences
// stay in bot/wording.ts.
import { W } from "../wording.ts";

/** What the widget shows; sent to the browser with widget.js. */
export const WIDGET_WORDING = {
  launcher: "在线客服",
  title: "在线客服",
  subtitle: "智能客服 · 山东省专业技术人员继续教育公共服务平台",
  close: "关闭对话窗口",
  input: "输入问题",
  placeholder: "请输入您的问题",
  send: "发送",
  human: "转人工",
  humanText: "转人工",
  typing: "客服正在输入…",
  you: "您说：",
  bot: "智能客服：",
  agent: "人工客服：",
  choices: "可选项",
  log: "对话记录",
  welcome: W.welcome,
  unread: "有新消息",
  /** Under an answer: 👍 / 👎 (POST /api/feedback). */
  rate: "这个回答有帮助吗？",
  helpful: "有帮助",
  notHelpful: "没帮助",
  thanks: "感谢您的反馈",
  notHelpfulHint: "可以换个说法再问，或点“转人工”。",
  tooLong: (n: number) => `问题太长了，请精简到 ${n} 字以内再发送。`,
  tooFast: "您发送得太快了，请稍等片刻再试。",
  offline: "网络连接不太稳定，消息没有发出去，请稍后重试。",
  busy: "系统正忙，请稍后再试。",
  /** The attach button's accessible name (CONTRACTS.md) and what a sent picture shows. */
  image: "发送图片",
  imageSent: "［图片］",
  imageTooBig: "图片太大了，请发送 5 MB 以内的截图。",
  imageType: "只能发送 PNG、JPEG 或 WebP 格式的图片（截图即可）。",
  imageBad: "这张图片打不开，请换一张截图再试，或把提示文字打字发给我。",
  imageMaxBytes: 5 * 1024 * 1024,
};

/** The widget's wording as JSON for the browser (functions become "{n}" templates). */
export function widgetWordingJson(maxChars: number): string {
  const w = { ...WIDGET_WORDING, tooLong: WIDGET_WORDING.tooLong(0).replace("0", "{n}"), maxChars };
  // Safe inside a script: no "</script", no U+2028/2029 surprises.
  return JSON.stringify(w)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export const WECHAT_WORDING = {
  /** An image, voice message, video or file. */
  mediaOnly: "抱歉，我暂时看不了图片、语音和文件。请直接用文字输入您的问题，或把页面上的提示原文打字发给我。",
  numbers: (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(" / "),
  choiceHint: (n: number) => `请回复 ${Array.from({ length: n }, (_, i) => i + 1).join(" / ")} 选择。`,
  tooLong: (n: number) => `您的消息太长了，请精简到 ${n} 字以内再发给我。`,
  /** After a group question that needs personal data. */
  privateLead: "（私聊中继续）",
};

export const BOTFRAMEWORK_WORDING = {
  welcome: W.welcome,
  failed: "抱歉，系统出了点问题，请稍后再试。",
  mediaOnly: "抱歉，我暂时看不了图片和文件。请直接用文字输入您的问题，或把页面上的提示原文打字发给我。",
};
