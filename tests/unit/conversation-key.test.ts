import { describe, it, expect } from "vitest";
import { encodeKey, parseKey } from "../../bot/conversation-key.ts";

describe("conversation keys", () => {
  it("keep ids that contain ':' and '%' (Bot Framework / Teams ids)", () => {
    const k = { channel: "botframework" as const, conversationId: "a:19:meeting_x@thread.v2;messageid=1", userId: "29:1AbC%2f" };
    const s = encodeKey(k);
    expect(s.split(":")).toHaveLength(3);
    expect(parseKey(s)).toEqual(k);
  });
  it("leave plain ids as they were", () => {
    expect(encodeKey({ channel: "web", conversationId: "3f2a", userId: "3f2a" })).toBe("web:3f2a:3f2a");
    expect(encodeKey({ channel: "wechat", conversationId: "r1@chatroom", userId: "wxid_1" })).toBe("wechat:r1@chatroom:wxid_1");
  });
  it("refuse what is not a key", () => {
    for (const s of ["", "web:a", "web:a:b:c", "mail:a:b", "web::b"]) expect(parseKey(s)).toBeNull();
  });
});
