/**
 * Upgrading a server whose database predates accounts: a database made by the schema of main at
 * 2245ad7 (SQLite migrations 000-004) or by the first Postgres schema (000-001) is opened by this
 * server; its `lt_` tokens keep working and belong to system_admin users made by the migration.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleThread } from "../_test-helpers.ts";
import { createApp } from "../app.ts";
import { hashToken } from "../auth/tokens.ts";
import { BUNDLED_MIGRATIONS } from "../db/bundled-migrations.ts";
import { migrate } from "../db/migrate.ts";
import { openDb } from "../db/open.ts";
import { createTestDatabase, usePgCluster } from "../db/pg/_test-cluster.ts";
import { pgBackend } from "../db/pg/backend.ts";
import { BUNDLED_PG_MIGRATIONS } from "../db/pg/bundled-migrations.ts";
import { migratePg } from "../db/pg/migrate.ts";
import { pgPlaceholders } from "../db/sql-runner.ts";
import { silentLogger } from "../logger.ts";

const OLD_SQLITE = [
  "000_init.sql",
  "001_threads_fts.sql",
  "002_token_rate_limit.sql",
  "003_threads_fts_rowid.sql",
  "004_threads_fts_contentless.sql",
];
const OLD_PG = ["000_init.sql", "001_threads_fts.sql"];
const pick = (all: Readonly<Record<string, string>>, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, all[n] as string]));

const ADA = "lt_ada-token-made-before-accounts-000000000000";
const OLD = "lt_old-revoked-token-made-before-accounts-0000";
const thread = sampleThread({ visibility: "private" });
/** What an old server wrote: two tokens (one revoked) and a thread, as plain rows. */
const seed: [string, unknown[]][] = [
  [
    "INSERT INTO tokens (id, name, user_id, hash, created_at) VALUES ('tok_1', 'ada laptop', 'ada', ?, '2026-10-01T00:00:00.000Z')",
    [hashToken(ADA)],
  ],
  [
    "INSERT INTO tokens (id, name, user_id, hash, created_at, revoked_at) VALUES ('tok_2', 'old', 'cy', ?, '2026-09-01T00:00:00.000Z', '2026-09-02T00:00:00.000Z')",
    [hashToken(OLD)],
  ],
  [
    "INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at, body) VALUES (?, 'ada', 1, '/w', 't', 'private', ?, ?, ?)",
    [thread.id, thread.createdAt, thread.updatedAt, JSON.stringify({ ...thread, version: 1 })],
  ],
];

async function expectUpgraded(app: ReturnType<typeof createApp>) {
  const call = (path: string, token: string) =>
    app.handle(new Request(`http://loom${path}`, { headers: { authorization: `Bearer ${token}` } }));
  const me = await call("/api/auth/me", ADA);
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({
    userId: "ada",
    via: "token",
    tokenId: "tok_1",
    user: { id: "ada", roles: ["system_admin"] },
  });
  expect((await call(`/api/threads/${thread.id}`, ADA)).status).toBe(200);
  expect((await call("/api/auth/me", OLD)).status).toBe(401);
}

describe("accounts migration from a database made before accounts", () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-acct-mig-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("SQLite (main at 2245ad7): tokens keep working as tokens of system_admin users", async () => {
    const path = join(dir, "old.db");
    const old = new Database(path, { create: true, strict: true });
    const oldDir = mkdtempSync(join(dir, "m-"));
    for (const [n, text] of Object.entries(pick(BUNDLED_MIGRATIONS, OLD_SQLITE)))
      await Bun.write(join(oldDir, n), text);
    expect(migrate(old, oldDir)).toEqual(OLD_SQLITE);
    for (const [q, p] of seed) old.query(q).run(...(p as string[]));
    old.close();

    const db = openDb(path); // applies the rest, 006_accounts among them
    const users = db.$client.query("SELECT id FROM users ORDER BY id").all();
    expect(users).toEqual([{ id: "ada" }, { id: "cy" }]);
    // Only the holder of a live token is made system_admin.
    expect(db.$client.query("SELECT user_id, role FROM user_roles").all()).toEqual([
      { user_id: "ada", role: "system_admin" },
    ]);
    await expectUpgraded(createApp({ db, log: silentLogger }));
    db.$client.close();
  });

  describe("Postgres", () => {
    usePgCluster();
    test("a database made by the first Postgres schema upgrades the same way", async () => {
      const url = await createTestDatabase({ empty: true });
      const sql = new Bun.SQL(url, { max: 1 });
      await migratePg(sql, pick(BUNDLED_PG_MIGRATIONS, OLD_PG));
      for (const [q, p] of seed) await sql.unsafe(pgPlaceholders(q), p);
      await sql.close();
      const backend = await pgBackend(url, { clock: () => new Date(), log: silentLogger, max: 2 });
      try {
        expect(backend.pg.applied).toContain("002_accounts.sql");
        await expectUpgraded(createApp({ backend, log: silentLogger }));
      } finally {
        await backend.close();
      }
    });
  });
});
