// What an image must be before it is read: png, jpeg or webp judged from its bytes (never from
// a declared type or a file name), at most MAX_IMAGE_BYTES, with sane dimensions. Bytes stay in
// memory; errors name the reason, never the content.
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Largest side and pixel count the recogniser is given (a screenshot fits easily). */
export const MAX_IMAGE_SIDE = 8000;
export const MAX_IMAGE_PIXELS = 40_000_000;
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** Why an image is refused, with the HTTP status a channel answers. */
export class ImageRejected extends Error {
  constructor(
    public statusCode: 400 | 413 | 415 | 422,
    message: string,
  ) {
    super(message);
  }
}

/** The image type from its first bytes, or null. */
export function sniffImageType(b: Uint8Array): ImageType | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a)
    return "image/png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "image/webp";
  return null;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

/** Size and type check: the bytes' own type, or a 413 / 415 with the reason. */
export function checkImageBytes(bytes: Uint8Array): ImageType {
  if (!bytes.length) throw new ImageRejected(400, "the image is empty");
  if (bytes.length > MAX_IMAGE_BYTES) throw new ImageRejected(413, `the image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
  const type = sniffImageType(bytes);
  if (!type) throw new ImageRejected(415, "only png, jpeg and webp images are read");
  return type;
}

/** Dimensions from the decoder (sharp, loaded on first use): a file that does not decode is a 422. */
export async function checkImageDecodes(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  const { default: sharp } = await import("sharp");
  let meta: { width?: number; height?: number };
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error" }).metadata();
  } catch {
    throw new ImageRejected(422, "the image could not be decoded");
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw new ImageRejected(422, "the image could not be decoded");
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new ImageRejected(413, `the image is larger than ${MAX_IMAGE_SIDE} pixels on a side`);
  }
  if (width < 8 || height < 8) throw new ImageRejected(422, "the image is too small to read");
  return { width, height };
}

/** A `data:` URI's bytes (base64 or percent-encoded), checked; the declared type is ignored. */
export function decodeDataUri(uri: string): Uint8Array {
  const comma = uri.indexOf(",");
  if (!uri.startsWith("data:") || comma < 0) throw new ImageRejected(400, "contentUrl is not a data: URI");
  const meta = uri.slice(5, comma);
  const payload = uri.slice(comma + 1);
  // base64 of 5 MB is about 6.7 MB of text: refuse longer before decoding.
  if (payload.length > Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 16) throw new ImageRejected(413, `the image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
  let bytes: Uint8Array;
  if (/;base64$/i.test(meta)) {
    const clean = payload.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) throw new ImageRejected(400, "the data: URI is not valid base64");
    bytes = Buffer.from(clean, "base64");
  } else {
    try {
      bytes = Buffer.from(decodeURIComponent(payload), "latin1");
    } catch {
      throw new ImageRejected(400, "the data: URI is not valid");
    }
  }
  checkImageBytes(bytes);
  return bytes;
}
