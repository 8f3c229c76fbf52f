// Masks personal numbers before anything is stored, logged or shown in a group.
const ID18 = /(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)/g;
const ID15 = /(?<!\d)(\d{4})\d{8}(\d{3})(?!\d)/g;
const PHONE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

export function maskPersonal(text: string): string {
  return text.replace(ID18, "$1**********$2").replace(ID15, "$1********$2").replace(PHONE, "$1****$2");
}

/** A message that looks like it carries a password ("密码是abc123"). */
export function looksLikePassword(text: string): boolean {
  // What follows must look like a password (letters, digits, symbols), not a sentence ("密码是对的").
  return /密码\s*(?:是|为|:|：)\s*[A-Za-z0-9!@#$%^&*._+=-]{4,}/.test(text) || /(?:^|\s)(?:pwd|password)\s*[:：=]\s*\S+/i.test(text);
}
