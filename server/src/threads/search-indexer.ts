/**
 * Who indexes pending threads, as the thread store sees it: `notify()` after a write commits,
 * `catchUp()` before a search, which resolves once every write acknowledged before it is indexed
 * (a search never misses a thread it was told about, nor finds one by its old text).
 * The server's is the maintenance worker's (`db/maintenance.ts`); this file has the in-process one,
 * for `:memory:` databases and when the worker cannot run.
 */
import type { Database } from "bun:sqlite";
import { isBusy } from "../db/writer.ts";
import { createFtsIndexer, type FtsIndexer, indexAll, searchConnection } from "./fts-index.ts";

export interface SearchIndexer {
  notify(): void;
  catchUp(): Promise<void>;
}

/** The index stayed behind for the whole wait (a rebuild after an upgrade, a lock held elsewhere). */
export class SearchIndexBehindError extends Error {
  readonly retryAfterSeconds = 1;
  constructor() {
    super("the search index is catching up with recent thread writes: retry shortly");
    this.name = "SearchIndexBehindError";
  }
}

export const INDEX_BATCH = 32;
/** How long a search waits for the index before answering 503. */
export const CATCH_UP_TIMEOUT_MS = 10_000;

/**
 * Indexes on the server's own thread: a batch on a timer after each write, and everything pending
 * before a search. A busy lock (another process writing) is retried on a timer, never waited for on
 * the event loop.
 */
export function createInProcessIndexer(
  sqlite: Database,
  o: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): SearchIndexer {
  const timeoutMs = o.timeoutMs ?? CATCH_UP_TIMEOUT_MS;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let indexer: FtsIndexer | undefined;
  const get = () => {
    indexer ??= createFtsIndexer(searchConnection(sqlite));
    return indexer;
  };
  /** Indexes until nothing is pending; false when the lock was busy. */
  const drain = (): boolean => {
    const conn = searchConnection(sqlite);
    conn.run("PRAGMA busy_timeout = 0");
    try {
      indexAll(get(), INDEX_BATCH);
      return true;
    } catch (e) {
      if (isBusy(e)) return false;
      throw e;
    } finally {
      conn.run("PRAGMA busy_timeout = 5000");
    }
  };
  let scheduled = false;
  return {
    notify() {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        try {
          drain();
        } catch {
          // The next search drains again and reports what fails.
        }
      }, 0);
    },
    async catchUp() {
      const start = performance.now();
      for (let delay = 1; !drain(); delay = Math.min(delay * 2, 8)) {
        if (performance.now() - start >= timeoutMs) {
          throw new SearchIndexBehindError();
        }
        await sleep(delay);
      }
    },
  };
}
