// Wrong unit chosen at registration: pending → withdraw (or ask that unit to reject); approved → transfer.
import type { FlowDef } from "./types.ts";
import { ask, picked, inputText, answerThenAsk } from "./common.ts";

const TOPIC = "register.wrong-unit";
const STATUS = ["还在审核中（待审核）", "已经审核通过了"];
const PASSWORD = ["记得注册时的密码", "密码忘了"];

const OFFER = ["帮我撤回", "我自己来"];
const SELF_WITHDRAW = "请这样自行撤回：点击首页“综合查询—注册审核进度查询”，查询待审核注册信息，点击“撤回申请”，输入注册时的密码即可撤回注册信息，然后选择正确的单位重新注册。";
const ASK_UNIT_TO_REJECT = "忘记密码无法自行撤回时，请联系注册时所选单位的单位管理员，请他驳回您的注册信息，驳回后重新注册即可。";
const offerWithdraw = () => ask("也可以由我帮您撤回（用发到注册手机的验证码确认，不需要密码）。需要吗？", OFFER, TOPIC);

interface State { step: "status" | "password" | "offer" }

export const wrongUnit: FlowDef<State> = {
  name: "wrong-unit",
  version: 1,
  topic: TOPIC,
  start(ctx) {
    return answerThenAsk(ctx, TOPIC, "您的注册现在是什么状态？", STATUS, { step: "status" });
  },
  step(ctx, state, input) {
    const text = inputText(input);
    if (state.step === "status") {
      let i = picked(input, STATUS);
      if (i === undefined) {
        if (/(还没|没有|未|没)(审核|通过|审)|待审核|审核中|还在审/.test(text)) i = 0;
        else if (/(已经|已)?(审核)?通过|审完|审过/.test(text)) i = 1;
      }
      if (i === 0) {
        return {
          replies: [ask("还在待审核状态，可以自行撤回后重新注册。撤回时需要输入注册时的密码，请问您还记得吗？", PASSWORD, TOPIC)],
          state: { step: "password" }, status: "waiting", topic: TOPIC,
        };
      }
      if (i === 1) {
        return {
          replies: [{ topic: "staff.transfer-unit", text: `注册已经审核通过，就不能再撤回了。这时需要按单位调转的办法处理（这是根据单位调转的规定，不是选错单位那条说明里的内容）：\n\n${ctx.answer("staff.transfer-unit")}` }],
          state, status: "done", topic: "staff.transfer-unit",
        };
      }
      return { replies: [], state, status: "waiting", unhandled: true };
    }
    let i = picked(input, PASSWORD);
    if (i === undefined) {
      if (/(忘|不记得|想不起|记不)/.test(text)) i = 1;
      else if (/(记得|知道|有)/.test(text)) i = 0;
    }
    if (state.step === "offer") {
      const o = picked(input, OFFER);
      if (o === 0 || /帮我|你来|撤吧|好的/.test(text)) return { replies: [], state, status: "done", next: { flow: "withdraw", text: "" } };
      if (o === 1 || /自己|不用/.test(text)) return { replies: [{ text: "好的。撤回后记得选择正确的单位重新注册。", topic: TOPIC }], state, status: "done", topic: TOPIC };
      return { replies: [], state, status: "waiting", unhandled: true };
    }
    if (i === 0 || i === 1) {
      // Either way the bot can also withdraw it with a code, which needs no password.
      return { replies: [{ topic: TOPIC, text: i === 0 ? SELF_WITHDRAW : ASK_UNIT_TO_REJECT }, offerWithdraw()], state: { step: "offer" }, status: "waiting", topic: TOPIC };
    }
    return { replies: [], state, status: "waiting", unhandled: true };
  },
};
