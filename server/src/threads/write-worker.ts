/**
 * Worker thread of `startThreadWriter`: its own connection to the server database, running thread
 * PUTs' transactions (`put-row.ts`) so that their SQLite work — a 15 KB row, its index entries, the
 * commit's WAL frames — is not on the event loop. Writes run one at a time, in the order they came,
 * through a DbWriter (a lock held by another process is waited for between timers, up to the busy
 * timeout, then `busy`). The server's thread builds each request and answers the HTTP call.
 */
import { Database } from "bun:sqlite";
import { createDbWriter, DbBusyError } from "../db/writer.ts";
import { type PutRequest, type PutRowOutcome, putRow, putStatements } from "./put-row.ts";

export type ThreadWriterMessage =
  | { type: "start"; path: string; busyTimeoutMs: number }
  | { type: "put"; id: number; req: PutRequest }
  | { type: "stop" };

export type ThreadWriterReport =
  | { type: "started" }
  | { type: "put"; id: number; out: PutRowOutcome }
  /** `busyMs`: the write lock stayed taken that long (a DbBusyError on the server's side). */
  | { type: "put"; id: number; error: string; busyMs?: number }
  | { type: "failed"; message: string }
  | { type: "stopped" };

declare const self: Worker;

const report = (r: ThreadWriterReport) => postMessage(r);
let db: Database | undefined;
let run: ((req: PutRequest) => Promise<PutRowOutcome>) | undefined;

function start(m: Extract<ThreadWriterMessage, { type: "start" }>): void {
  try {
    db = new Database(m.path, { readwrite: true, create: false });
    // Per connection, as the server's own (`db/open.ts`); checkpoints are the maintenance worker's.
    db.run("PRAGMA synchronous = NORMAL");
    db.run("PRAGMA foreign_keys = ON");
    db.run("PRAGMA wal_autocheckpoint = 0");
    const st = putStatements(db);
    const writer = createDbWriter(db, { timeoutMs: m.busyTimeoutMs });
    run = (req) => writer.run(() => putRow(st, req));
    report({ type: "started" });
  } catch (e) {
    report({ type: "failed", message: e instanceof Error ? e.message : String(e) });
  }
}

/** One write at a time: a second waits for the first (each is one IMMEDIATE transaction anyway). */
let queue: Promise<unknown> = Promise.resolve();

function put(m: Extract<ThreadWriterMessage, { type: "put" }>): void {
  queue = queue.then(async () => {
    try {
      if (!run) throw new Error("thread writer is not started");
      report({ type: "put", id: m.id, out: await run(m.req) });
    } catch (e) {
      report({
        type: "put",
        id: m.id,
        error: e instanceof Error ? e.message : String(e),
        ...(e instanceof DbBusyError ? { busyMs: e.waitedMs } : {}),
      });
    }
  });
}

self.onmessage = (ev: MessageEvent<ThreadWriterMessage>) => {
  const m = ev.data;
  if (m.type === "start") return start(m);
  if (m.type === "put") return put(m);
  queue = queue.then(() => {
    db?.close();
    db = undefined;
    run = undefined;
    report({ type: "stopped" });
  });
};
