// An ID number typed somewhere in a message: found, validated (check digit for the 18-digit
// resident ID) and masked for anything that is shown or stored.
import { validateIdNumber, maskIdNumber } from "../adapters/platform/id-number.ts";

const ID_REASON: Record<string, string> = {
  check_digit: "最后一位校验码不对",
  birth_date: "中间的出生日期不对",
  region: "开头的地区码不对",
  format: "位数或格式不对",
  empty: "是空的",
};

export type FoundIdNumber = { ok: true; idNumber: string; masked: string } | { ok: false; reason: string };

/** 15–19 digits (maybe ending in X) in a text, validated; null when there are none. */
export function findIdNumber(text: string): FoundIdNumber | null {
  const m = text
    .normalize("NFKC")
    .replace(/[\s-]/g, "")
    .match(/(?<!\d)\d{14,18}[\dXx]?(?!\d)/);
  if (!m) return null;
  const v = validateIdNumber(m[0]);
  if (!v.ok) return { ok: false, reason: ID_REASON[v.reason] ?? "不正确" };
  return { ok: true, idNumber: v.idNumber, masked: maskIdNumber(v.idNumber) };
}
