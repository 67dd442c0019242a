/**
 * Database upkeep and search indexing off the event loop. bun:sqlite is synchronous, so whatever
 * SQLite does on the server's connection stalls every request: the automatic WAL checkpoint (copy
 * 1,000 pages and fsync), FTS5 tokenising a 15 KB thread and its segment merges were most of a thread
 * PUT's cost at 10,000 threads, and all of `/health`'s tail. The server's connection turns the
 * checkpoint off and a worker thread (`maintenance-worker.ts`) checkpoints, indexes pending thread
 * writes and merges the index instead. If the worker cannot start (or reports a failure), the automatic
 * checkpoint and merge are switched back on and indexing moves to the server's thread, with one log line.
 */
import type { Database } from "bun:sqlite";
import type { Logger } from "../logger.ts";
import { searchConnection } from "../threads/fts-index.ts";
import {
  CATCH_UP_TIMEOUT_MS,
  createInProcessIndexer,
  SearchIndexBehindError,
  type SearchIndexer,
} from "../threads/search-indexer.ts";
import type { MaintenanceMessage, MaintenanceReport } from "./maintenance-worker.ts";
import { createDbWriter } from "./writer.ts";

/**
 * In `dist/loom` the worker is its own entry point (scripts/build.ts), kept at its path from the
 * repository root inside the executable; a URL relative to this (bundled) module would not find it.
 */
const WORKER = import.meta.url.includes("/$bunfs/")
  ? "/$bunfs/root/server/src/db/maintenance-worker.ts"
  : new URL("./maintenance-worker.ts", import.meta.url).href;

export const WORKER_NICE = 10;

export interface DbMaintenance {
  /** For the thread store: the worker indexes (or this thread, once the worker has failed). */
  indexer: SearchIndexer;
  stop(): Promise<void>;
}

export function startDbMaintenance(
  sqlite: Database,
  path: string,
  o: {
    log: Logger;
    checkpointMs?: number;
    mergeMs?: number;
    /** How often the worker looks for pending writes it was not told about (default 250 ms). */
    indexMs?: number;
    /**
     * The worker thread's nice value (default 10): indexing and merging yield the two cores to the
     * event loop, which answers requests; searches wait for the index (up to `catchUpTimeoutMs`).
     */
    nice?: number;
    /** How long a search waits for the index (default 10 s), then 503. */
    catchUpTimeoutMs?: number;
    onReport?: (r: MaintenanceReport) => void;
  },
): DbMaintenance {
  const local = createInProcessIndexer(sqlite);
  const fallback = (message: string) => {
    sqlite.run("PRAGMA wal_autocheckpoint = 1000");
    try {
      const conn = searchConnection(sqlite);
      conn.run("INSERT INTO search.threads_fts (threads_fts, rank) VALUES ('automerge', 4)");
      conn.run("INSERT INTO search.threads_fts (threads_fts, rank) VALUES ('crisismerge', 16)");
    } catch {
      // Busy or no index: the defaults come back with the next start.
    }
    o.log.error("db.maintenance_failed", { message: message.split("\n")[0]?.slice(0, 200) });
    for (const d of drains.values()) d.fallback();
    drains.clear();
    local.notify();
  };
  /** Searches waiting for the worker, by id: each resolves on `drained`, or moves to this thread. */
  const drains = new Map<number, { resolve(): void; fallback(): void }>();
  let nextDrain = 1;
  const newest = sqlite.prepare<{ n: number | null }, []>("SELECT max(seq) AS n FROM threads_fts_pending");
  // Deleting the marks the worker indexed: a short write on this thread's connection, waiting for the
  // lock like any write (a mark left behind is only indexed again, harmlessly).
  const forgetMark = sqlite.prepare<unknown, [number]>("DELETE FROM threads_fts_pending WHERE seq = ?");
  const writer = createDbWriter(sqlite);
  const forget = (seqs: number[]) =>
    writer
      .run(() => {
        for (const seq of seqs) forgetMark.run(seq);
      })
      .catch(() => {});
  let worker: Worker;
  try {
    worker = new Worker(WORKER);
  } catch (e) {
    fallback(e instanceof Error ? e.message : String(e));
    return { indexer: local, async stop() {} };
  }
  sqlite.run("PRAGMA wal_autocheckpoint = 0");
  // The worker alone does not keep the process alive; stop() holds it until the worker is done.
  const handle = worker as unknown as { ref?: () => void; unref?: () => void };
  let stopped: (() => void) | undefined;
  let failed = false;
  let dead = false;
  const fail = (message: string) => {
    if (failed) return;
    failed = true;
    fallback(message);
  };
  worker.onmessage = (ev: MessageEvent<MaintenanceReport>) => {
    const r = ev.data;
    if (r.type === "indexed") forget(r.seqs);
    else if (r.type === "drained") {
      drains.get(r.id)?.resolve();
      drains.delete(r.id);
    } else if (r.type === "stopped") stopped?.();
    else if (r.type === "failed") fail(r.message);
    o.onReport?.(r);
  };
  worker.onerror = (ev) => {
    dead = true;
    fail(ev.message);
    stopped?.();
  };
  worker.postMessage({
    type: "start",
    path,
    checkpointMs: o.checkpointMs ?? 1000,
    mergeMs: o.mergeMs ?? 100,
    indexMs: o.indexMs ?? 250,
    nice: o.nice ?? WORKER_NICE,
  } satisfies MaintenanceMessage);
  handle.unref?.();
  const catchUpTimeoutMs = o.catchUpTimeoutMs ?? CATCH_UP_TIMEOUT_MS;
  const indexer: SearchIndexer = {
    notify() {
      if (failed) local.notify();
      else worker.postMessage({ type: "index" } satisfies MaintenanceMessage);
    },
    async catchUp() {
      if (failed) return local.catchUp();
      const upTo = newest.get()?.n ?? 0;
      if (upTo === 0) return;
      const id = nextDrain++;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          drains.set(id, { resolve, fallback: () => local.catchUp().then(resolve, reject) });
          timer = setTimeout(() => {
            drains.delete(id);
            reject(new SearchIndexBehindError());
          }, catchUpTimeoutMs);
          worker.postMessage({ type: "drain", id, upTo } satisfies MaintenanceMessage);
        });
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return {
    indexer,
    async stop() {
      handle.ref?.();
      await new Promise<void>((resolve) => {
        if (dead) return resolve();
        stopped = resolve;
        worker.postMessage({ type: "stop" } satisfies MaintenanceMessage);
      });
      worker.terminate();
    },
  };
}
