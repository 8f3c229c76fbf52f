// Forgotten password: both ways at once, then narrow by whether the registered email or phone
// still works. What each way says comes from knowledge/flows/password.yaml.
import type { PasswordRules } from "../knowledge/flow-rules.ts";
import type { FlowDef } from "./types.ts";
import { answerThenAsk, ask, choose, finish, unhandled, type Option } from "./kit.ts";

const TOPIC = "password.forgot";
type Contact = "works" | "lost";
const CONTACT: Option<Contact>[] = [
  { label: "能，用注册时的邮箱或手机号找回", value: "works" },
  { label: "邮箱和手机号都用不了了", value: "lost" },
];
// "lost" words first: 手机号换了 names the phone too.
const CONTACT_WORDS: [RegExp, Contact][] = [
  [/(换|停|丢|没有|没了|用不了|不能用|不用了|注销|收不到|都不)/, "lost"],
  [/(邮箱|手机|能|可以|有|还在|记得)/, "works"],
];

export type PasswordForgotState = { step: "contact" };

export function passwordForgotFlow(rules: PasswordRules): FlowDef<PasswordForgotState> {
  return {
    name: "password-forgot",
    version: 1,
    topic: TOPIC,
    start(ctx) {
      return answerThenAsk(
        ctx,
        TOPIC,
        ask(
          "您注册时留的邮箱或手机号现在还能用吗？",
          CONTACT.map((c) => c.label),
          TOPIC,
        ),
        { step: "contact" },
      );
    },
    step(_ctx, state, input) {
      switch (choose(input, CONTACT, CONTACT_WORDS)) {
        case "works":
          return finish(state, TOPIC, rules.self_reset);
        case "lost":
          return finish(state, TOPIC, `${rules.admin_reset}\n${rules.admin_reset_tips}`);
        default:
          return unhandled(state);
      }
    },
  };
}
