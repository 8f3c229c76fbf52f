// What users are told about people joining and leaving their conversation, in one place.

export const CW = {
  agentJoined: (who?: string) => `人工客服${who ? `（${who}）` : ""}已接入，请直接描述您的问题。`,
  agentHandedBack: "人工客服已离开对话，接下来由智能客服继续为您解答。如需再次转人工，请回复“转人工”。",
  agentClosed: "人工客服已结束本次对话，感谢您的耐心。如还有其他问题，可以直接问我。",
  offHours: (hours: string, when: string, ticketId: string) =>
    `现在不是人工客服工作时间（${hours}）。您的问题已记录（工单号 ${ticketId}），人工客服将在${when}上班后尽快回复您；在此之前，您也可以继续向我提问。`,
  offHoursNoOpening: (ticketId: string) => `现在不是人工客服工作时间。您的问题已记录（工单号 ${ticketId}），人工客服上班后会尽快回复您。`,
  noticeLead: "【通知】",
};
