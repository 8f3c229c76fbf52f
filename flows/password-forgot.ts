// Forgotten password: both ways at once, then narrow by whether the registered email or phone still works.
import type { FlowDef } from "./types.ts";
import { picked, inputText, answerThenAsk } from "./common.ts";

const CHOICES = ["能，用注册时的邮箱或手机号找回", "邮箱和手机号都用不了了"];

export const passwordForgot: FlowDef<{ step: "contact" }> = {
  name: "password-forgot",
  version: 1,
  topic: "password.forgot",
  start(ctx) {
    return answerThenAsk(ctx, "password.forgot", "您注册时留的邮箱或手机号现在还能用吗？", CHOICES, { step: "contact" as const });
  },
  step(_ctx, state, input) {
    const text = inputText(input);
    let i = picked(input, CHOICES);
    if (i === undefined) {
      if (/(换|停|丢|没有|没了|用不了|不能用|不用了|注销|收不到|都不)/.test(text)) i = 1;
      else if (/(邮箱|手机|能|可以|有|还在|记得)/.test(text)) i = 0;
    }
    if (i === 0) {
      return {
        replies: [{ topic: "password.forgot", text: "那就用方式一：在登录页面点击“忘记登录密码”，按提示通过注册时的邮箱或手机号重置登录密码，然后用新密码登录。" }],
        state, status: "done", topic: "password.forgot",
      };
    }
    if (i === 1) {
      return {
        replies: [{ topic: "password.forgot", text: "那就用方式二：请联系您所在单位的单位管理员，由管理员通过“查询统计-专技人员信息查询”为您重置登录密码，重置后密码为身份证后六位。\n联系管理员时请说明：您的姓名、所在单位，以及需要重置专技人员账号的登录密码（不要把密码或验证码发给任何人）。登录后可在【用户资料管理】—【基本信息修改】中更新手机号和邮箱。" }],
        state, status: "done", topic: "password.forgot",
      };
    }
    return { replies: [], state, status: "waiting", unhandled: true };
  },
};
