/**
 * Database upkeep off the event loop. bun:sqlite is synchronous, so whatever SQLite does inside a
 * request's COMMIT stalls every request: the automatic WAL checkpoint (copy 1,000 pages and fsync) and
 * FTS5's automatic segment merges were most of a thread PUT's cost at 10,000 threads, and all of
 * `/health`'s tail. The server's connection turns both off and a worker thread
 * (`maintenance-worker.ts`) checkpoints and merges instead. If the worker cannot start, the automatic
 * checkpoint and merge are switched back on, with one log line.
 */
import type { Database } from "bun:sqlite";
import type { Logger } from "../logger.ts";
import type { MaintenanceMessage, MaintenanceReport } from "./maintenance-worker.ts";

/**
 * In `dist/loom` the worker is its own entry point (scripts/build.ts), kept at its path from the
 * repository root inside the executable; a URL relative to this (bundled) module would not find it.
 */
const WORKER = import.meta.url.includes("/$bunfs/")
  ? "/$bunfs/root/server/src/db/maintenance-worker.ts"
  : new URL("./maintenance-worker.ts", import.meta.url).href;

export interface DbMaintenance {
  stop(): Promise<void>;
}

export function startDbMaintenance(
  sqlite: Database,
  path: string,
  o: {
    log: Logger;
    checkpointMs?: number;
    mergeMs?: number;
    onReport?: (r: MaintenanceReport) => void;
  },
): DbMaintenance {
  const fallback = (message: string) => {
    sqlite.run("PRAGMA wal_autocheckpoint = 1000");
    try {
      sqlite.run("INSERT INTO threads_fts (threads_fts, rank) VALUES ('automerge', 4)");
      sqlite.run("INSERT INTO threads_fts (threads_fts, rank) VALUES ('crisismerge', 16)");
    } catch {
      // Busy or no index: the defaults come back with the next start.
    }
    o.log.error("db.maintenance_failed", { message: message.split("\n")[0]?.slice(0, 200) });
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER);
  } catch (e) {
    fallback(e instanceof Error ? e.message : String(e));
    return { async stop() {} };
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
    o.onReport?.(r);
    if (r.type === "stopped") stopped?.();
    else if (r.type === "failed") fail(r.message);
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
  } satisfies MaintenanceMessage);
  handle.unref?.();
  return {
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
