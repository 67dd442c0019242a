import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleThread } from "../_test-helpers.ts";
import { silentLogger } from "../logger.ts";
import { createThreadStore } from "../threads/store.ts";
import { startDbMaintenance } from "./maintenance.ts";
import type { MaintenanceReport } from "./maintenance-worker.ts";
import { openDb } from "./open.ts";
import { createDbWriter } from "./writer.ts";

const ftsConfig = (db: ReturnType<typeof openDb>, k: string) =>
  db.$client.query<{ v: number }, [string]>("SELECT v FROM threads_fts_config WHERE k = ?").get(k)?.v;
const walAutocheckpoint = (db: ReturnType<typeof openDb>) =>
  db.$client.query<{ wal_autocheckpoint: number }, []>("PRAGMA wal_autocheckpoint").get()?.wal_autocheckpoint;

describe("database upkeep on a worker thread", () => {
  test("commits on the server's connection neither checkpoint nor merge; the worker does both", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-maint-")), "server.db");
    const db = openDb(path);
    const reports: MaintenanceReport[] = [];
    let checkpointed = () => {};
    let merged = () => {};
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
      },
    });
    expect(walAutocheckpoint(db)).toBe(0);
    const store = createThreadStore(db, createDbWriter(db.$client));
    const ada = { userId: "ada", via: "token" as const };
    // Enough separate commits to leave several index segments for the worker to merge.
    for (let i = 0; i < 12; i++) await store.put(ada, sampleThread({ title: `word${i} common` }), undefined);
    await done;
    expect(ftsConfig(db, "automerge")).toBe(0);
    expect(store.search(ada, "common", 20)).toHaveLength(12);
    await m.stop();
    expect(reports.filter((r) => r.type === "failed")).toEqual([]);
    expect(reports.at(-1)).toEqual({ type: "stopped" });
    db.$client.close();
  });

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
    db.$client.close();
  });
});
