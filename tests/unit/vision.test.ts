// The question a screenshot asks (bot/vision/read.ts) and the checks on image bytes
// (bot/vision/image.ts), without the recogniser: lines as it would return them.
import { describe, it, expect } from "vitest";
import { sharedMatcher } from "../../bot/assistant.ts";
import { questionFromLines } from "../../bot/vision/read.ts";
import { sniffImageType, checkImageBytes, decodeDataUri, ImageRejected } from "../../bot/vision/image.ts";
import type { OcrLine } from "../../bot/vision/recognizer.ts";

const line = (text: string, x: number, y: number, w = 300, h = 18, mean = 0.99): OcrLine => ({
  text,
  mean,
  box: [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ],
});

describe("the question a screenshot asks", () => {
  const m = () => sharedMatcher();

  it("answers the error, not the page title, the labels or the links", () => {
    const q = questionFromLines(
      [
        line("山东省专业技术人员继续教育公共服务平台", 30, 20, 500, 30),
        line("用户登录", 400, 140, 100, 26),
        line("请输入密码", 280, 280, 100),
        line("您的账号不存在，请核对是否输入有误!若未注册，", 272, 322, 330),
        line("可点此立即注册。", 272, 344, 120),
        line("登录", 430, 424, 40),
        line("忘记登录密码？", 272, 478, 100),
        line("立即注册", 560, 478, 60),
      ],
      m(),
    );
    expect(q).toEqual({ text: "您的账号不存在，请核对是否输入有误!若未注册，可点此立即注册。", isMessage: true, messageOf: "login.account-not-found" });
  });

  it("does not take a link further down as the message's last line", () => {
    const q = questionFromLines(
      [line("密码错误请重新输入，若忘记登录密码，可点此找", 272, 322, 330), line("回密码。", 272, 344, 60), line("忘记登录密码？", 272, 478, 100)],
      m(),
    );
    expect(q?.text).toBe("密码错误请重新输入，若忘记登录密码，可点此找回密码。");
    expect(q?.messageOf).toBe("login.wrong-password");
  });

  it("puts the message's beginning first when a photo at an angle read two of its lines as one", () => {
    const q = questionFromLines([line("回密码。 密码错误请重新输入，若忘记登录密码，可点此找", 272, 322, 330)], m());
    expect(q?.text).toBe("密码错误请重新输入，若忘记登录密码，可点此找回密码。");
  });

  it("orders lines by position, not by the order the detector gave them", () => {
    const q = questionFromLines([line("回密码。", 272, 344, 60), line("密码错误请重新输入，若忘记登录密码，可点此找", 272, 322, 330)], m());
    expect(q?.text).toBe("密码错误请重新输入，若忘记登录密码，可点此找回密码。");
  });

  it("without a platform message, asks the readable lines together; none → null", () => {
    const q = questionFromLines([line("忘记密码了怎么办", 10, 10)], m());
    expect(q).toEqual({ text: "忘记密码了怎么办", isMessage: false });
    expect(questionFromLines([line("...", 10, 10), line("模糊", 10, 40, 50, 18, 0.2)], m())).toBeNull();
  });

  it("masks personal numbers read in the picture", () => {
    const q = questionFromLines([line("身份证号370402199001011234", 10, 10), line("您的账号正在审核中，可点击查询审核部门", 10, 60)], m());
    expect(q?.messageOf).toBe("login.under-review");
    const all = questionFromLines([line("身份证号370402199001011234 手机13812345678", 10, 10)], m());
    expect(all?.text).not.toMatch(/199001011|1234567/);
  });
});

describe("image bytes", () => {
  it("judges the type from the bytes", () => {
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe("image/png");
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("GIF89a......"))).toBeNull();
    expect(() => checkImageBytes(Buffer.from("<svg/>"))).toThrow(ImageRejected);
  });

  it("decodes data: URIs whatever type they declare, and refuses what is not an image", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    expect(Buffer.from(decodeDataUri(`data:image/jpeg;base64,${png.toString("base64")}`))).toEqual(png);
    expect(() => decodeDataUri("data:image/png;base64,!!")).toThrow(/base64/);
    expect(() => decodeDataUri("http://x/y.png")).toThrow(/data:/);
    try {
      decodeDataUri(`data:image/png;base64,${Buffer.from("hello").toString("base64")}`);
    } catch (e) {
      expect((e as ImageRejected).statusCode).toBe(415);
    }
  });
});
