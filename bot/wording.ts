// Every fixed sentence the bot says, in one place.
import type { Region } from "./message.ts";

export const CITY_NAME: Record<Region, string> = { zaozhuang: "枣庄市", taian: "泰安市" };

export const W = {
  declineOutOfScope: "抱歉，这个问题不在我能解答的范围内（我只解答山东省专业技术人员继续教育公共服务平台的注册、登录、密码、单位调转、学时申报等问题），不想给您错误的答复。",
  declineUnknown: "抱歉，我没能理解您的问题，不想给您错误的答复。",
  offerHuman: "如需人工客服帮助，请回复“转人工”。",
  clarifyLead: "您是想问：",
  clarifyTail: "请回复序号选择；如果都不是，请换个说法再问，或回复“转人工”。",
  secondaryLead: "您还问到了另一个问题，需要的话回复序号：",
  askCity: "请问您是哪个城市的？告诉我城市（如“枣庄”或“泰安”），我只给您那个城市的说明。",
  cityLabel: (city: string) => `（以下为${city}的说明）`,
  oneEditionLabel: (city: string) => `${city}的说明：`,
  oneEditionNote: (city: string) => `（以上为${city}的说明，您所在城市可能有所不同，请以当地人社部门的要求为准。）`,
  otherCityNote: (name: string) => `您在${name}，以上涉及城市的部分请以${name}当地人社部门的要求为准，可向当地人社部门咨询。`,
  otherCityExamples: "以下枣庄市、泰安市的说明供参考：",
  regionAck: (city: string) => `好的，已记下您是${city}的，接下来按${city}的说明为您解答。请问有什么可以帮您？`,
  otherCityAck: (name: string) => `好的，您在${name}。我按全省通用的说明为您解答，涉及城市的部分请咨询${name}当地人社部门。请问有什么可以帮您？`,
  cancelled: "好的，已取消。还有其他问题可以直接问我。",
  restarted: "好的，我们重新开始。请问有什么可以帮您？",
  nothingToGoBack: "已经是第一步了。",
  choicePrompt: (n: number) => `请回复序号 1${n > 1 ? `–${n}` : ""} 选择。`,
  welcome: "您好，我是山东省专业技术人员继续教育公共服务平台的智能客服，可以解答注册、登录、密码、单位调转、学时申报等问题。请直接输入您的问题。",
};

/** Numbered choices as a text-only channel shows them. */
export function numbered(labels: string[]): string {
  return labels.map((l, i) => `${i + 1}. ${l}`).join("\n");
}
