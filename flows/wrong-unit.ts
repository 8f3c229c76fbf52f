// Wrong unit chosen at registration: pending → withdraw (or ask that unit to reject); approved → transfer.
import type { FlowDef, FlowStep } from "./types.ts";
import { answerThenAsk, ask, choose, finish, say, unhandled, waitFor, yesNo, type Option } from "./kit.ts";

const TOPIC = "register.wrong-unit";
type Status = "pending" | "approved";
const STATUS: Option<Status>[] = [
  { label: "还在审核中（待审核）", value: "pending" },
  { label: "已经审核通过了", value: "approved" },
];
const STATUS_WORDS: [RegExp, Status][] = [
  [/(还没|没有|未|没)(审核|通过|审)|待审核|审核中|还在审/, "pending"],
  [/(已经|已)?(审核)?通过|审完|审过/, "approved"],
];
type Password = "remembered" | "forgot";
const PASSWORD: Option<Password>[] = [
  { label: "记得注册时的密码", value: "remembered" },
  { label: "密码忘了", value: "forgot" },
];
// "Forgot" first: 不记得 contains 记得.
const PASSWORD_WORDS: [RegExp, Password][] = [
  [/(忘|不记得|想不起|记不)/, "forgot"],
  [/(记得|知道|有)/, "remembered"],
];
const OFFER = ["帮我撤回", "我自己来"] as const;

const SELF_WITHDRAW =
  "请这样自行撤回：点击首页“综合查询—注册审核进度查询”，查询待审核注册信息，点击“撤回申请”，输入注册时的密码即可撤回注册信息，然后选择正确的单位重新注册。";
const ASK_UNIT_TO_REJECT = "忘记密码无法自行撤回时，请联系注册时所选单位的单位管理员，请他驳回您的注册信息，驳回后重新注册即可。";
const offerWithdraw = () => ask("也可以由我帮您撤回（用发到注册手机的验证码确认，不需要密码）。需要吗？", OFFER, TOPIC, "pick");

export type WrongUnitState =
  /** Asked whether the registration is pending or approved. */
  | { step: "status" }
  /** Pending: asked whether they remember the password. */
  | { step: "password" }
  /** Offered to withdraw it for them. */
  | { step: "offer" };

export const wrongUnit: FlowDef<WrongUnitState> = {
  name: "wrong-unit",
  version: 1,
  topic: TOPIC,
  start(ctx) {
    return answerThenAsk(
      ctx,
      TOPIC,
      ask(
        "您的注册现在是什么状态？",
        STATUS.map((s) => s.label),
        TOPIC,
      ),
      { step: "status" },
    );
  },
  step(ctx, state, input): FlowStep<WrongUnitState> {
    switch (state.step) {
      case "status": {
        const status = choose(input, STATUS, STATUS_WORDS);
        if (status === "pending") {
          return waitFor(
            { step: "password" },
            TOPIC,
            ask(
              "还在待审核状态，可以自行撤回后重新注册。撤回时需要输入注册时的密码，请问您还记得吗？",
              PASSWORD.map((p) => p.label),
              TOPIC,
            ),
          );
        }
        if (status === "approved") {
          const id = "staff.transfer-unit";
          return finish(
            state,
            id,
            say(
              `注册已经审核通过，就不能再撤回了。这时需要按单位调转的办法处理（这是根据单位调转的规定，不是选错单位那条说明里的内容）：\n\n${ctx.answer(id)}`,
              id,
            ),
          );
        }
        return unhandled(state);
      }
      case "password": {
        const password = choose(input, PASSWORD, PASSWORD_WORDS);
        if (!password) return unhandled(state);
        // Either way the bot can also withdraw it with a code, which needs no password.
        return waitFor({ step: "offer" }, TOPIC, say(password === "remembered" ? SELF_WITHDRAW : ASK_UNIT_TO_REJECT, TOPIC), offerWithdraw());
      }
      case "offer": {
        const yes = yesNo(input, OFFER, /帮我|你来|撤吧|^(好|要|需要)/, /自己|不用|不要|不需要/);
        if (yes) return { replies: [], state, status: "done", next: { flow: "withdraw", text: "" } };
        if (yes === false) return finish(state, TOPIC, "好的。撤回后记得选择正确的单位重新注册。");
        return unhandled(state);
      }
    }
  },
};
