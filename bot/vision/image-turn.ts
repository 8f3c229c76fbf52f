// A turn started by a picture: read it (off the event loop, in the recogniser's worker), find
// the question it asks (./read.ts), and ask the core as if it had been typed. The reply first
// says what was read, then answers. Only the masked text read reaches the core, and so the
// conversation log and the console; the image itself is never stored or logged.
import type { Assistant } from "../turn.ts";
import type { Inbound, Reply, TurnResult } from "../message.ts";
import type { ImageReader } from "./recognizer.ts";
import { RecognizerBusy } from "./recognizer.ts";
import { checkImageBytes, checkImageDecodes } from "./image.ts";
import { questionFromLines } from "./read.ts";
import { VISION_WORDING } from "./wording.ts";

export interface ImageTurnDeps {
  assistant: Assistant;
  reader: ImageReader;
  log?: (line: string) => void;
}

/** What a picture turn produced: the core's result, or a reply of its own when nothing could be asked. */
export interface ImageTurnResult extends TurnResult {
  /** The text read and asked (masked), null when nothing was read. */
  read: string | null;
}

const alone = (text: string): ImageTurnResult => ({ replies: [{ text }], topic: null, offered: [], flow: null, read: null });

/**
 * Reads `bytes` and answers what the picture asks. Bad files throw ImageRejected (a 4xx for the
 * channel); a busy, slow or failing recogniser gets a reply saying so, never an error.
 */
export async function imageTurn(deps: ImageTurnDeps, inbound: Omit<Inbound, "text">, bytes: Uint8Array): Promise<ImageTurnResult> {
  checkImageBytes(bytes);
  await checkImageDecodes(bytes);
  let lines;
  try {
    lines = await deps.reader.read(bytes);
  } catch (err) {
    deps.log?.(`vision: image not read (${(err as Error).name}: ${(err as Error).message.split("\n")[0]})`);
    return alone(err instanceof RecognizerBusy ? VISION_WORDING.busy : VISION_WORDING.failed);
  }
  const q = questionFromLines(lines, deps.assistant.matcher);
  if (!q) return alone(VISION_WORDING.noText);
  const first: Reply = { text: q.isMessage ? VISION_WORDING.readMessage(q.text) : VISION_WORDING.readText(q.text) };
  const result = await deps.assistant.handle({ ...inbound, text: q.text, image: { read: q.text, first } });
  // Until the core places `image.first` itself (see Inbound.image), the channel shows it first.
  const replies = result.replies[0]?.text === first.text ? result.replies : [first, ...result.replies];
  return { ...result, replies, read: q.text };
}
