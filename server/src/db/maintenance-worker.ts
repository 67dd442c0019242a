/**
 * Worker thread of `startDbMaintenance`: its own connection to the server database, doing the two
 * pieces of upkeep that would otherwise run inside a request's COMMIT on the event loop:
 * - WAL checkpoints (PASSIVE every `checkpointMs`: never waits for, nor blocks, readers and writers);
 * - merging the full-text index's segments (`'merge'`, a few pages per step, each step its own short
 *   write transaction, so the server's writes interleave; the table's `automerge` is 0 and its
 *   `crisismerge` raised while this runs, so commits do not merge themselves).
 */
import { Database } from "bun:sqlite";

export type MaintenanceMessage =
  | { type: "start"; path: string; checkpointMs: number; mergeMs: number }
  | { type: "stop" };

export type MaintenanceReport =
  | { type: "checkpoint"; log: number; checkpointed: number }
  | { type: "merged"; pages: number }
  | { type: "failed"; message: string }
  | { type: "stopped" };

declare const self: Worker;

const MERGE_PAGES = 16;
let db: Database | undefined;
const timers: ReturnType<typeof setTimeout>[] = [];
let lastLog = -1;
const report = (r: MaintenanceReport) => postMessage(r);
const failed = (e: unknown) =>
  report({ type: "failed", message: e instanceof Error ? e.message : String(e) });

function checkpoint(): void {
  if (!db) return;
  try {
    const r = db
      .query<{ busy: number; log: number; checkpointed: number }, []>("PRAGMA wal_checkpoint(PASSIVE)")
      .get();
    // Report only when there was something to copy (the WAL restarts after a complete one).
    if (r && r.log > 0 && (r.log !== lastLog || r.checkpointed < r.log)) {
      lastLog = r.log;
      report({ type: "checkpoint", log: r.log, checkpointed: r.checkpointed });
    }
  } catch (e) {
    failed(e);
  }
}

/** One merge step; true when it did work (FTS5: total_changes moves by 2 or more). */
function mergeStep(): boolean {
  if (!db) return false;
  try {
    const changes = () => db?.query<{ n: number }, []>("SELECT total_changes() AS n").get()?.n ?? 0;
    const before = changes();
    db.run(`INSERT INTO threads_fts (threads_fts, rank) VALUES ('merge', ${MERGE_PAGES})`);
    const pages = changes() - before;
    if (pages >= 2) report({ type: "merged", pages });
    return pages >= 2;
  } catch (e) {
    // Busy past the worker's timeout: the server is writing a lot; try again next round.
    if (String((e as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY")) return false;
    failed(e);
    return false;
  }
}

function start(m: Extract<MaintenanceMessage, { type: "start" }>): void {
  try {
    db = new Database(m.path, { readwrite: true, create: false });
    // Waiting here blocks this thread only.
    db.run("PRAGMA busy_timeout = 1000");
    db.run("INSERT INTO threads_fts (threads_fts, rank) VALUES ('automerge', 0)");
    db.run("INSERT INTO threads_fts (threads_fts, rank) VALUES ('crisismerge', 64)");
  } catch (e) {
    failed(e);
    return;
  }
  /** Runs `step` now and again after the delay it returns. */
  const loop = (step: () => number) => {
    const tick = () => timers.push(setTimeout(tick, step()));
    tick();
  };
  loop(() => {
    checkpoint();
    return m.checkpointMs;
  });
  // While there is merging to do, keep at it with short pauses for the server's writes.
  loop(() => (mergeStep() ? 5 : m.mergeMs));
}

self.onmessage = (ev: MessageEvent<MaintenanceMessage>) => {
  const m = ev.data;
  if (m.type === "start") return start(m);
  for (const t of timers) clearTimeout(t);
  checkpoint();
  db?.close();
  db = undefined;
  report({ type: "stopped" });
};
