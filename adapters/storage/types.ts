// Session storage port: read, write, delete by conversation key.
export interface SessionStore<T> {
  read(key: string): Promise<T | null>;
  write(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys of every stored conversation (for expiry sweeps and the console). */
  keys(): Promise<string[]>;
  /** Waits for pending writes. */
  flush(): Promise<void>;
}

/** In-memory store for eval and one-off CLI questions: nothing touches the disk. */
export class MemoryStore<T> implements SessionStore<T> {
  private m = new Map<string, string>();
  async read(key: string) {
    const v = this.m.get(key);
    return v === undefined ? null : (JSON.parse(v) as T);
  }
  async write(key: string, value: T) {
    this.m.set(key, JSON.stringify(value));
  }
  async delete(key: string) {
    this.m.delete(key);
  }
  async keys() {
    return [...this.m.keys()];
  }
  async flush() {}
}
