// Login trouble: which of the platform's four messages does the user see?
import type { FlowDef } from "./types.ts";
import type { Reply } from "../bot/message.ts";
import { ask, picked, inputText, answerThenAsk } from "./common.ts";

const MESSAGES = [
  { id: "login.account-not-found", label: "“您的账号不存在……”" },
  { id: "login.wrong-role", label: "“您选择的登录角色未注册……”" },
  { id: "login.under-review", label: "“您的账号正在审核中……”" },
  { id: "login.wrong-password", label: "“密码错误请重新输入……”" },
];
const OTHER = "其他提示 / 没看清";
const LABELS = [...MESSAGES.map((m) => m.label), OTHER];
const PROGRESS = ["帮我查询审核进度", "不用了"];

interface State { step: "which" | "other" | "progress" }

export const loginTrouble: FlowDef<State> = {
  name: "login-trouble",
  version: 1,
  topic: "login.cannot-login",
  start(ctx) {
    return answerThenAsk(ctx, "login.cannot-login", "请问登录时页面提示的是哪一条？", LABELS, { step: "which" });
  },
  step(ctx, state, input) {
    const text = inputText(input);
    if (state.step === "progress") {
      const i = picked(input, PROGRESS);
      if (i === 0 || /查|帮我|好的|是的|要/.test(text)) return { replies: [], state, status: "done", next: { flow: "check-progress", text } };
      if (i === 1) return { replies: [{ text: "好的。还有其他问题可以直接问我。" }], state, status: "done" };
      return { replies: [], state, status: "done", unhandled: true };
    }
    const i = picked(input, LABELS);
    let id: string | null = i !== undefined && i < MESSAGES.length ? MESSAGES[i].id : null;
    if (i === MESSAGES.length) {
      return { replies: [{ text: "请把页面上的提示原文输入给我（可以直接复制粘贴），我帮您看看是哪种情况。" }], state: { step: "other" }, status: "waiting" };
    }
    if (!id) id = ctx.classify(text, MESSAGES.map((m) => m.id));
    if (!id) {
      if (state.step === "other") {
        return { replies: [{ text: "这条提示我没能识别。建议您截图或记下提示原文，回复“转人工”由人工客服帮您查看。" }], state, status: "done", topic: null };
      }
      return { replies: [], state, status: "waiting", unhandled: true };
    }
    const replies: Reply[] = [{ text: ctx.answer(id), topic: id }];
    if (id === "login.under-review") {
      replies.push(ask("需要我帮您查询注册审核进度和审核单位吗？", PROGRESS, id));
      return { replies, state: { step: "progress" }, status: "waiting", topic: id };
    }
    return { replies, state, status: "done", topic: id };
  },
};
