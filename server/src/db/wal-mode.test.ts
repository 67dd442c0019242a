import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { switchToWal } from "./wal-mode.ts";

/** A new (rollback-mode) database file, one connection holding its write lock, one opening it. */
function lockedNewDb(busyTimeoutMs: number) {
  const path = join(mkdtempSync(join(tmpdir(), "loom-wal-")), "server.db");
  const holder = new Database(path, { create: true });
  holder.run("BEGIN IMMEDIATE");
  const opener = new Database(path);
  opener.run(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  return { holder, opener };
}

describe("switchToWal", () => {
  test("the cause: SQLite fails the WAL switch at once while another connection holds the write lock, busy timeout or not", () => {
    // An hour: were SQLite to wait, this test would time out instead of throwing.
    const { holder, opener } = lockedNewDb(3_600_000);
    expect(() => opener.run("PRAGMA journal_mode = WAL")).toThrow("database is locked");
    holder.close();
    opener.close();
  });

  test("retries the switch until the lock is released", () => {
    const { holder, opener } = lockedNewDb(3_600_000);
    let pauses = 0;
    switchToWal(opener, "main", () => {
      pauses++;
      holder.run("COMMIT");
    });
    expect(pauses).toBe(1);
    expect(opener.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
    holder.close();
    opener.close();
  });

  test("gives up with SQLITE_BUSY once the busy timeout has passed", () => {
    const { holder, opener } = lockedNewDb(20);
    let pauses = 0;
    expect(() => switchToWal(opener, "main", () => void pauses++)).toThrow("database is locked");
    expect(pauses).toBeGreaterThan(0);
    holder.close();
    opener.close();
  });
});
