import { describe, expect, it } from "vitest";
import {
  checkDigit,
  isValidResidentId,
  maskIdNumber,
  maskPersonalNumbers,
  maskPhone,
  normalizeIdNumber,
  validateIdNumber,
} from "../../adapters/platform/id-number.ts";

const DEMO = [
  "370402198503122013",
  "370902199006153021",
  "370481199202084527",
  "370911198807231634",
  "370403199304113844",
  "370982199511302755",
  "370405198709051264",
];

describe("GB 11643 resident ID", () => {
  it("accepts every demo person's number", () => {
    for (const id of DEMO) expect(isValidResidentId(id), id).toBe(true);
  });

  it("rejects a wrong check digit at once", () => {
    expect(isValidResidentId("370402198503122015")).toBe(false);
    expect(validateIdNumber("370402198503122015")).toMatchObject({ ok: false, reason: "check_digit" });
  });

  it("computes X as a check digit and accepts a lower-case x", () => {
    expect(checkDigit("37091119830912203")).toBe("X");
    expect(isValidResidentId("37091119830912203X")).toBe(true);
    expect(validateIdNumber("37091119830912203x")).toEqual({ ok: true, idNumber: "37091119830912203X", type: "resident" });
  });

  it("normalises full-width digits and spaces", () => {
    expect(normalizeIdNumber(" ３７０４０２ 1985 0312 2013 ")).toBe("370402198503122013");
    expect(validateIdNumber("３７０４０２１９８５０３１２２０１３").ok).toBe(true);
  });

  it("rejects impossible birth dates, unknown regions and wrong lengths", () => {
    const with17 = (s: string) => s + checkDigit(s);
    expect(validateIdNumber(with17("37040219850230201"))).toMatchObject({ ok: false, reason: "birth_date" });
    expect(validateIdNumber(with17("99040219850312201"))).toMatchObject({ ok: false, reason: "region" });
    expect(validateIdNumber("37040219850312201")).toMatchObject({ ok: false, reason: "format" }); // 17 digits
    expect(validateIdNumber("3704021985031220133")).toMatchObject({ ok: false, reason: "format" }); // 19 digits
    expect(validateIdNumber("")).toMatchObject({ ok: false, reason: "empty" });
  });

  it("checks the residence permit for HK, Macao and Taiwan residents like a resident ID", () => {
    expect(validateIdNumber("81000019900101102X")).toEqual({ ok: true, idNumber: "81000019900101102X", type: "hmtResidencePermit" });
    expect(validateIdNumber("810000199001011021").ok).toBe(false);
    expect(validateIdNumber("370402198503122013", "hmtResidencePermit").ok).toBe(false);
  });

  it("checks only the format of other document types", () => {
    expect(validateIdNumber("E12345678")).toEqual({ ok: true, idNumber: "E12345678", type: "passport" });
    expect(validateIdNumber("H12345678", "hkMacaoPermit")).toMatchObject({ ok: true, type: "hkMacaoPermit" });
    expect(validateIdNumber("军字第2019045号", "officer")).toMatchObject({ ok: true, type: "officer" });
    expect(validateIdNumber("E1", "passport").ok).toBe(false);
  });
});

describe("masking", () => {
  it("masks ID numbers and phones as the logs show them", () => {
    expect(maskIdNumber("370402198503122013")).toBe("3704**********2013");
    expect(maskPhone("13800000001")).toBe("138****0001");
    expect(maskIdNumber("E12345678")).toBe("E1*****78");
  });

  it("masks numbers inside free text", () => {
    expect(maskPersonalNumbers("我的身份证370402198503122013，电话13800000001")).toBe("我的身份证3704**********2013，电话138****0001");
  });
});
