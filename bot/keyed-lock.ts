// One mutex per key, dropped when nobody holds or waits for it. Turns of one conversation, the
// console's session changes and log appends all serialise through this.
import { Mutex } from "async-mutex";

export class KeyedLock {
  private locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    let lock = this.locks.get(key);
    if (!lock) {
      lock = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, lock);
    }
    lock.users++;
    try {
      return await lock.mutex.runExclusive(fn);
    } finally {
      if (--lock.users === 0) this.locks.delete(key);
    }
  }

  /** Keys held or waited for now (tests). */
  get size(): number {
    return this.locks.size;
  }
}
