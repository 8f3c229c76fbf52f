// Encryption at rest (AES-256-GCM, node:crypto) for what the service keeps between turns.
//
// The key comes from HELPDESK_SECRET_KEY (../shared/CONTRACTS.md: every instance of a deployment
// is given the same one) through HKDF-SHA256; unset, a random key is generated on first start into
// `<data dir>.key` — a 0600 file next to the data directory, never inside it, so a copied data
// directory reveals nothing (one instance only: other instances would not share it).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, writeSync, chmodSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

const PREFIX = "helpdesk-sealed:v1:";

/** Seals and opens strings with one 32-byte key; `aad` binds a sealed text to where it belongs. */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** From HELPDESK_SECRET_KEY (any length; HKDF derives the 256-bit key). */
  static fromSecret(secret: string): SecretBox {
    return new SecretBox(Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), "helpdesk", "helpdesk at-rest v1", 32)));
  }

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error("a SecretBox key is 32 bytes");
    return new SecretBox(Buffer.from(key));
  }

  static isSealed(text: string): boolean {
    return text.startsWith(PREFIX);
  }

  seal(plain: string, aad = ""): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(aad, "utf8"));
    const ct = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return PREFIX + [iv, c.getAuthTag(), ct].map((b) => b.toString("base64")).join(":");
  }

  /** Throws when the text was not sealed with this key for this `aad` (or was changed). */
  open(sealed: string, aad = ""): string {
    if (!SecretBox.isSealed(sealed)) throw new Error("not a sealed text");
    const [iv, tag, ct] = sealed
      .slice(PREFIX.length)
      .trim()
      .split(":")
      .map((s) => Buffer.from(s, "base64"));
    if (!iv || !tag || !ct || iv.length !== 12 || tag.length !== 16) throw new Error("a sealed text is damaged");
    const d = createDecipheriv("aes-256-gcm", this.key, iv);
    d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]).toString("utf8");
  }
}

/** Where the generated key of a data directory lives when HELPDESK_SECRET_KEY is unset. */
export function keyFileFor(dataDir: string): string {
  return resolve(dataDir).replace(/[\\/]+$/, "") + ".key";
}

/**
 * The key for a data directory: HELPDESK_SECRET_KEY when given, else the key file next to the data
 * directory, created (0600, exclusively, so two starts never write different keys) when missing.
 */
export function openSecretBox(opts: { secretKey?: string; dataDir: string; log?: (line: string) => void }): SecretBox {
  if (opts.secretKey) return SecretBox.fromSecret(opts.secretKey);
  const file = keyFileFor(opts.dataDir);
  const read = (): SecretBox | null => {
    let text: string;
    try {
      text = readFileSync(file, "utf8").trim();
    } catch {
      return null;
    }
    const key = Buffer.from(text, "base64");
    if (key.length !== 32) throw new Error(`${file}: not a key (32 bytes, base64); restore it or set HELPDESK_SECRET_KEY`);
    try {
      chmodSync(file, 0o600);
    } catch {
      /* not ours to change */
    }
    return SecretBox.fromKey(key);
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      const other = read();
      if (other) return other;
    }
    throw e;
  }
  try {
    writeSync(fd, key.toString("base64") + "\n");
  } finally {
    closeSync(fd);
  }
  opts.log?.(`secret key: HELPDESK_SECRET_KEY is not set; generated ${file} (0600). Keep it with backups of the data directory, never inside it.`);
  return SecretBox.fromKey(key);
}
