/**
 * Worker thread of `startDbMaintenance`: its own connection to the server database with the search
 * index attached (`threads/fts-index.ts`), doing the work that would otherwise run on the event loop:
 * - indexing pending thread writes (batches of up to 32, a few ms after the server's `index` hint, and
 *   every `indexMs` in case a hint was missed; at start, whatever a previous run left pending);
 *   `drain` asks for every mark up to `upTo` to be indexed and is answered with `drained`;
 * - WAL checkpoints of both files (PASSIVE every `checkpointMs`: never waits for, nor blocks, readers
 *   and writers);
 * - merging the index's segments (`'merge'`, a few pages per step; the table's `automerge` is 0 and its
 *   `crisismerge` raised while this runs, so indexing commits do not merge themselves), once the
 *   server's write hints have paused for MERGE_IDLE_MS: merging beside a burst of writes took the
 *   cores from them (the crisis merge still bounds the segments if writes never pause).
 * The index is its own file, so none of this takes the server database's write lock: the server's
 * thread deletes the marks a batch indexed when it gets the `indexed` report.
 */
import { Database } from "bun:sqlite";
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { attachSearchIndex, createFtsIndexer, type FtsIndexer } from "../threads/fts-index.ts";

export type MaintenanceMessage =
  | {
      type: "start";
      path: string;
      checkpointMs: number;
      mergeMs: number;
      indexMs: number;
      /** This thread's nice value (0: unchanged). */
      nice: number;
    }
  | { type: "index" }
  | { type: "drain"; id: number; upTo: number }
  | { type: "stop" };

export type MaintenanceReport =
  /** `tid`/`nice`: this thread's id and nice value where the OS lets one thread be reniced (Linux). */
  | { type: "started"; tid?: number; nice?: number }
  | { type: "checkpoint"; log: number; checkpointed: number }
  | { type: "merged"; pages: number }
  | { type: "indexed"; rows: number; seqs: number[] }
  | { type: "drained"; id: number }
  | { type: "failed"; message: string }
  | { type: "stopped" };

declare const self: Worker;

const MERGE_PAGES = 16;
const INDEX_BATCH = 32;
/** After a hint, wait this long so a burst of writes is indexed in one batch. */
const INDEX_DELAY_MS = 2;
let db: Database | undefined;
let indexer: FtsIndexer | undefined;
let indexTimer: ReturnType<typeof setTimeout> | undefined;
/** Every mark up to this one is indexed (marks commit in `seq` order: no older one can appear later). */
let lastSeq = 0;
const drains: { id: number; upTo: number }[] = [];
const timers: ReturnType<typeof setTimeout>[] = [];
let lastLog = -1;
/** When the server last told of a write; merging waits until writes pause for MERGE_IDLE_MS. */
let lastHint = 0;
const MERGE_IDLE_MS = 250;
const report = (r: MaintenanceReport) => postMessage(r);
const failed = (e: unknown) =>
  report({ type: "failed", message: e instanceof Error ? e.message : String(e) });

function checkpoint(): void {
  if (!db) return;
  try {
    db.run("PRAGMA search.wal_checkpoint(PASSIVE)");
    const r = db
      .query<{ busy: number; log: number; checkpointed: number }, []>("PRAGMA main.wal_checkpoint(PASSIVE)")
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

const isBusy = (e: unknown) => String((e as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY");

/** Answers the drains whose marks are all indexed (`caughtUp`: no mark newer than `lastSeq` exists). */
function answerDrains(caughtUp: boolean): void {
  for (let i = drains.length - 1; i >= 0; i--) {
    const d = drains[i];
    if (d && (caughtUp || lastSeq >= d.upTo)) {
      drains.splice(i, 1);
      report({ type: "drained", id: d.id });
    }
  }
}

/** One batch now; again at once while a full batch came back, else on the next hint or poll. */
function indexNow(): void {
  indexTimer = undefined;
  if (!indexer) return;
  let rows = 0;
  try {
    const seqs = indexer.indexBatch(INDEX_BATCH, lastSeq);
    rows = seqs.length;
    // The server's thread deletes the marks: this thread never takes the server database's write lock,
    // so a PUT never waits for the worker.
    if (rows > 0) {
      lastSeq = seqs[rows - 1] ?? lastSeq;
      report({ type: "indexed", rows, seqs });
    }
    answerDrains(rows < INDEX_BATCH);
  } catch (e) {
    // Busy past the worker's timeout: try again shortly.
    if (!isBusy(e)) failed(e);
    indexSoon(10);
    return;
  }
  if (rows === INDEX_BATCH) indexSoon(0);
}

function indexSoon(ms = INDEX_DELAY_MS): void {
  if (indexTimer === undefined && indexer) indexTimer = setTimeout(indexNow, ms);
}

/** One merge step; true when it did work (FTS5: total_changes moves by 2 or more). */
function mergeStep(): boolean {
  if (!db) return false;
  try {
    const changes = () => db?.query<{ n: number }, []>("SELECT total_changes() AS n").get()?.n ?? 0;
    const before = changes();
    db.run(`INSERT INTO search.threads_fts (threads_fts, rank) VALUES ('merge', ${MERGE_PAGES})`);
    const pages = changes() - before;
    if (pages >= 2) report({ type: "merged", pages });
    return pages >= 2;
  } catch (e) {
    // Busy past the worker's timeout: the server is writing a lot; try again next round.
    if (isBusy(e)) return false;
    failed(e);
    return false;
  }
}

/**
 * Lowers this thread's priority only: on Linux a thread id is a pid for setpriority(2), so the event
 * loop keeps its own. Elsewhere (no /proc/thread-self) nothing changes.
 */
function renice(nice: number): { tid?: number; nice?: number } {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return {};
    // Never raised: a server already started under `nice` keeps at least that for its worker.
    if (nice > getPriority(tid)) setPriority(tid, nice);
    return { tid, nice: getPriority(tid) };
  } catch {
    return {};
  }
}

function start(m: Extract<MaintenanceMessage, { type: "start" }>): void {
  report({ type: "started", ...renice(m.nice) });
  try {
    db = new Database(m.path, { readwrite: true, create: false });
    // Waiting here blocks this thread only.
    db.run("PRAGMA busy_timeout = 1000");
    attachSearchIndex(db, m.path);
    db.run("INSERT INTO search.threads_fts (threads_fts, rank) VALUES ('automerge', 0)");
    db.run("INSERT INTO search.threads_fts (threads_fts, rank) VALUES ('crisismerge', 64)");
    indexer = createFtsIndexer(db);
  } catch (e) {
    failed(e);
    return;
  }
  /** Runs `step` now and again after the delay it returns. */
  const loop = (step: () => number) => {
    const slot = timers.length;
    const tick = () => {
      timers[slot] = setTimeout(tick, step());
    };
    tick();
  };
  loop(() => {
    checkpoint();
    return m.checkpointMs;
  });
  // While there is merging to do, keep at it with short pauses for the indexing.
  loop(() => (Date.now() - lastHint < MERGE_IDLE_MS ? m.mergeMs : mergeStep() ? 5 : m.mergeMs));
  loop(() => {
    indexSoon(0);
    return m.indexMs;
  });
}

self.onmessage = (ev: MessageEvent<MaintenanceMessage>) => {
  const m = ev.data;
  if (m.type === "start") return start(m);
  if (m.type === "index") {
    lastHint = Date.now();
    return indexSoon();
  }
  if (m.type === "drain") {
    drains.push({ id: m.id, upTo: m.upTo });
    if (indexTimer !== undefined) clearTimeout(indexTimer);
    indexTimer = undefined;
    return indexSoon(0);
  }
  for (const t of timers) clearTimeout(t);
  if (indexTimer !== undefined) clearTimeout(indexTimer);
  indexer = undefined;
  checkpoint();
  db?.close();
  db = undefined;
  report({ type: "stopped" });
};
