// Identity numbers and phone numbers: validation (GB 11643 check digit) and masking for logs.
// The platform account is the ID number, so a typo must be caught before anything is looked up.

/** Document types the platform accepts at registration. Labels are what the platform shows. */
export const ID_TYPES = {
  resident: "居民身份证",
  hmtResidencePermit: "港澳台居民居住证",
  hkMacaoPermit: "港澳居民来往内地通行证",
  taiwanPermit: "台湾居民来往大陆通行证",
  passport: "护照",
  officer: "军官证",
} as const;
export type IdType = keyof typeof ID_TYPES;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";
// First two digits: province-level codes of GB/T 2260, plus 81/82/83 used by the residence permit.
const PROVINCES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
  "83",
]);

/** Full-width digits, spaces and a lower-case x are common when people type on a phone. */
export function normalizeIdNumber(raw: string): string {
  return raw
    .normalize("NFKC")
    .replace(/[\s\u00a0\u3000-]+/g, "")
    .toUpperCase();
}

/** The GB 11643 check character for the first 17 digits. */
export function checkDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error("checkDigit needs 17 digits");
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function validBirthDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4)),
    m = Number(yyyymmdd.slice(4, 6)),
    d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** 18-digit resident ID (居民身份证; the 港澳台居民居住证 uses the same format): region, birth date, check digit. */
export function isValidResidentId(raw: string): boolean {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (!PROVINCES.has(id.slice(0, 2))) return false;
  if (!validBirthDate(id.slice(6, 14))) return false;
  return checkDigit(id.slice(0, 17)) === id[17];
}

export type IdCheck =
  { ok: true; idNumber: string; type: IdType } | { ok: false; idNumber: string; reason: "empty" | "format" | "check_digit" | "birth_date" | "region" };

/**
 * Validates a number of the given type, or guesses the type when none is given.
 * A string of 15–19 digits is taken as a mistyped resident ID (the common case), so it must be
 * a valid 18-digit one; other types get a format check only, as they have no check digit.
 */
export function validateIdNumber(raw: string, type?: IdType): IdCheck {
  const idNumber = normalizeIdNumber(raw);
  if (!idNumber) return { ok: false, idNumber, reason: "empty" };
  const looksResident = /^\d{15,19}$|^\d{14,18}X$/.test(idNumber);
  const t: IdType = type ?? (looksResident ? (/^8[123]/.test(idNumber) ? "hmtResidencePermit" : "resident") : "passport");
  if (t === "resident" || t === "hmtResidencePermit") {
    if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, idNumber, reason: "format" };
    const isPermit = /^8[123]/.test(idNumber);
    if (t === "hmtResidencePermit" ? !isPermit : isPermit || !PROVINCES.has(idNumber.slice(0, 2))) return { ok: false, idNumber, reason: "region" };
    if (!validBirthDate(idNumber.slice(6, 14))) return { ok: false, idNumber, reason: "birth_date" };
    if (checkDigit(idNumber.slice(0, 17)) !== idNumber[17]) return { ok: false, idNumber, reason: "check_digit" };
    return { ok: true, idNumber, type: t };
  }
  // Passports, travel permits and officer certificates: letters, digits and (军官证) a few Chinese characters.
  if (!/^[A-Z0-9\u4e00-\u9fa5()（）]{5,24}$/.test(idNumber)) return { ok: false, idNumber, reason: "format" };
  return { ok: true, idNumber, type: type ?? "passport" };
}

/** "370402198503122013" → "3704**********2013"; shorter numbers keep less at each end. */
export function maskIdNumber(raw: string): string {
  const s = normalizeIdNumber(raw);
  if (s.length <= 2) return "*".repeat(s.length);
  const keep = Math.min(4, Math.floor(s.length / 4)) || 1;
  return s.slice(0, keep) + "*".repeat(s.length - 2 * keep) + s.slice(-keep);
}

/** "13800000001" → "138****0001". */
export function maskPhone(raw: string): string {
  const s = raw.replace(/[\s-]+/g, "");
  if (s.length >= 8) return s.slice(0, 3) + "*".repeat(s.length - 7) + s.slice(-4);
  if (s.length <= 2) return "*".repeat(s.length);
  return "*".repeat(s.length - 2) + s.slice(-2);
}

/** Replaces every 18-digit ID number and 11-digit mobile number in free text (for logs). */
export function maskPersonalNumbers(text: string): string {
  return text.replace(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g, (m) => maskIdNumber(m)).replace(/(?<!\d)1[3-9]\d{9}(?!\d)/g, (m) => maskPhone(m));
}
