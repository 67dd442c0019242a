import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToken } from "../auth/tokens.ts";
import { openDb } from "./open.ts";

const mode = (p: string) => statSync(p).mode & 0o777;

describe("server database file modes", () => {
  test("a new database: its folder 0700, the database, -wal and -shm 0600 (even under umask 0)", () => {
    const root = mkdtempSync(join(tmpdir(), "loom-mode-"));
    const path = join(root, "data", "loom", "server.db");
    const old = process.umask(0);
    try {
      const db = openDb(path);
      createToken(db, { name: "ada" }); // a write, so the WAL has content
      expect(mode(join(root, "data"))).toBe(0o700);
      expect(mode(join(root, "data", "loom"))).toBe(0o700);
      for (const f of [path, `${path}-wal`, `${path}-shm`]) {
        expect(existsSync(f)).toBe(true);
        expect([f, mode(f)]).toEqual([f, 0o600]);
      }
      db.$client.close();
    } finally {
      process.umask(old);
    }
  });

  test("files an older release left 0644 are narrowed to 0600 when opened", () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-mode-")), "server.db");
    const pre = new Database(path, { create: true });
    pre.run("PRAGMA journal_mode = WAL");
    pre.run("CREATE TABLE x (a)");
    // Keep the -wal and -shm files: a second connection holds them open while the first closes.
    const holder = new Database(path);
    holder.query("SELECT * FROM x").all();
    pre.close();
    for (const f of [path, `${path}-wal`, `${path}-shm`]) chmodSync(f, 0o644);
    const db = openDb(path);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
    db.$client.close();
    holder.close();
  });
});
