// Login trouble: which of the platform's four messages does the user see?
import type { Reply } from "../bot/message.ts";
import type { FlowDef, FlowStep } from "./types.ts";
import { answerThenAsk, ask, askText, choose, finish, inputText, say, unhandled, waitFor, yesNo, type Option } from "./kit.ts";

const TOPIC = "login.cannot-login";
const MESSAGES = [
  { id: "login.account-not-found", label: "“您的账号不存在……”" },
  { id: "login.wrong-role", label: "“您选择的登录角色未注册……”" },
  { id: "login.under-review", label: "“您的账号正在审核中……”" },
  { id: "login.wrong-password", label: "“密码错误请重新输入……”" },
] as const;
type MessageId = (typeof MESSAGES)[number]["id"];
const OTHER = "其他提示 / 没看清";
const WHICH: Option<MessageId | "other">[] = [...MESSAGES.map((m) => ({ label: m.label, value: m.id })), { label: OTHER, value: "other" }];
const MESSAGE_IDS: string[] = MESSAGES.map((m) => m.id);
const isMessageId = (id: string): id is MessageId => MESSAGE_IDS.includes(id);
const PROGRESS = ["帮我查询审核进度", "不用了"] as const;

export type LoginTroubleState =
  /** Asked which message the page shows. */
  | { step: "which" }
  /** Asked for the message's words. */
  | { step: "other" }
  /** Under review: offered to check the progress. */
  | { step: "progress" };

export const loginTrouble: FlowDef<LoginTroubleState> = {
  name: "login-trouble",
  version: 1,
  topic: TOPIC,
  start(ctx) {
    return answerThenAsk(
      ctx,
      TOPIC,
      ask(
        "请问登录时页面提示的是哪一条？",
        WHICH.map((w) => w.label),
        TOPIC,
      ),
      { step: "which" },
    );
  },
  step(ctx, state, input): FlowStep<LoginTroubleState> {
    const text = inputText(input);
    if (state.step === "progress") {
      const yes = yesNo(input, PROGRESS, /查|帮我|^(好|是|要|需要)/, /^(不|别|没|算了)/);
      if (yes) return { replies: [], state, status: "done", next: { flow: "check-progress", text } };
      if (yes === false) return finish(state, null, "好的。还有其他问题可以直接问我。");
      return unhandled(state);
    }
    const picked = choose(input, WHICH);
    if (picked === "other") {
      return waitFor({ step: "other" }, null, askText("请把页面上的提示原文输入给我（可以直接复制粘贴），我帮您看看是哪种情况。"));
    }
    const classified = picked ?? ctx.classify(text, MESSAGE_IDS);
    const id = classified !== null && isMessageId(classified) ? classified : null;
    if (!id) {
      if (state.step === "other") {
        return finish(state, null, "这条提示我没能识别。建议您截图或记下提示原文，回复“转人工”由人工客服帮您查看。");
      }
      return unhandled(state);
    }
    const answer: Reply = say(ctx.answer(id), id);
    if (id === "login.under-review") {
      return waitFor({ step: "progress" }, id, answer, ask("需要我帮您查询注册审核进度和审核单位吗？", PROGRESS, id, "pick"));
    }
    return finish(state, id, answer);
  },
};
