import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { sampleThread } from "../_test-helpers.ts";
import { silentLogger } from "../logger.ts";
import { closeSearchConnection, searchConnection } from "../threads/fts-index.ts";
import { createThreadStore } from "../threads/store.ts";
import { startDbMaintenance } from "./maintenance.ts";
import type { MaintenanceReport } from "./maintenance-worker.ts";
import { openDb } from "./open.ts";
import { createDbWriter } from "./writer.ts";

const ftsConfig = (db: ReturnType<typeof openDb>, k: string) =>
  searchConnection(db.$client)
    .query<{ v: number }, [string]>("SELECT v FROM search.threads_fts_config WHERE k = ?")
    .get(k)?.v;
const walAutocheckpoint = (db: ReturnType<typeof openDb>) =>
  db.$client.query<{ wal_autocheckpoint: number }, []>("PRAGMA wal_autocheckpoint").get()?.wal_autocheckpoint;

describe("database upkeep on a worker thread", () => {
  test("commits on the server's connection neither checkpoint, index nor merge; the worker does all three", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-maint-")), "server.db");
    const db = openDb(path);
    const reports: MaintenanceReport[] = [];
    let checkpointed = () => {};
    let merged = () => {};
    let indexed = () => {};
    const done = Promise.all([
      new Promise<void>((r) => (checkpointed = r)),
      new Promise<void>((r) => (merged = r)),
    ]);
    const m = startDbMaintenance(db.$client, path, {
      log: silentLogger,
      checkpointMs: 5,
      mergeMs: 5,
      onReport: (r) => {
        reports.push(r);
        if (r.type === "checkpoint" && r.checkpointed === r.log) checkpointed();
        if (r.type === "merged") merged();
        if (r.type === "indexed") indexed();
      },
    });
    expect(walAutocheckpoint(db)).toBe(0);
    // An indexer that never indexes on this thread: what gets indexed, the worker indexed.
    const store = createThreadStore(db, createDbWriter(db.$client), {
      notify: () => m.indexer.notify(),
      catchUp: async () => {},
    });
    const ada = { userId: "ada", via: "token" as const };
    // Enough separate index commits (one batch each) to leave several segments for the worker to merge.
    for (let i = 0; i < 12; i++) {
      const batch = new Promise<void>((r) => (indexed = r));
      await store.put(ada, sampleThread({ title: `word${i} common` }), undefined);
      await batch;
    }
    await done;
    expect(ftsConfig(db, "automerge")).toBe(0);
    expect(await store.search(ada, "common", 20)).toHaveLength(12);
    await m.stop();
    expect(reports.filter((r) => r.type === "failed")).toEqual([]);
    expect(reports.at(-1)).toEqual({ type: "stopped" });
    closeSearchConnection(db.$client);
    db.$client.close();
  });

  // Linux only: elsewhere one thread's priority cannot be set apart from the process's.
  test.if(existsSync("/proc/thread-self"))(
    "the worker thread runs at nice 10, the event loop's thread keeps its priority",
    async () => {
      const mainNice = getPriority(process.pid);
      const path = join(mkdtempSync(join(tmpdir(), "loom-maint-")), "server.db");
      const db = openDb(path);
      let onStarted: (r: Extract<MaintenanceReport, { type: "started" }>) => void = () => {};
      const started = new Promise<Extract<MaintenanceReport, { type: "started" }>>((r) => (onStarted = r));
      const m = startDbMaintenance(db.$client, path, {
        log: silentLogger,
        onReport: (r) => r.type === "started" && onStarted(r),
      });
      const niceOf = (tid: number) => {
        const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      };
      const r = await started;
      expect(r.tid).toBeGreaterThan(0);
      expect(r.tid).not.toBe(process.pid);
      expect(niceOf(r.tid ?? 0)).toBe(Math.max(10, mainNice));
      expect(r.nice).toBe(Math.max(10, mainNice));
      expect(niceOf(process.pid)).toBe(mainNice);
      await m.stop();
      db.$client.close();
    },
  );

  test("a worker that cannot open the database turns automatic upkeep back on, with one log line", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-maint-")), "server.db");
    const db = openDb(path);
    const lines: string[] = [];
    let onFailed = () => {};
    const failed = new Promise<void>((resolve) => (onFailed = resolve));
    const m = startDbMaintenance(db.$client, join(path, "not-a-file"), {
      log: { info() {}, error: (e) => lines.push(e) },
      onReport: (r) => r.type === "failed" && onFailed(),
    });
    await failed;
    await m.stop();
    expect(lines).toEqual(["db.maintenance_failed"]);
    expect(walAutocheckpoint(db)).toBe(1000);
    expect(ftsConfig(db, "automerge")).toBe(4);
    // Indexing moved to this thread: a search still finds the write acknowledged before it.
    const store = createThreadStore(db, createDbWriter(db.$client), m.indexer);
    const ada = { userId: "ada", via: "token" as const };
    const t = sampleThread({ title: "fallback indexing" });
    await store.put(ada, t, undefined);
    expect((await store.search(ada, "fallback", 5)).map((r) => r.id)).toEqual([t.id]);
    closeSearchConnection(db.$client);
    db.$client.close();
  });
});
