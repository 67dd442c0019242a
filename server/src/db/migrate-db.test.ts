import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleThread } from "../_test-helpers.ts";
import { createApp } from "../app.ts";
import { silentLogger } from "../logger.ts";
import type { Backend } from "./backend.ts";
import { type MigrateProgress, migrateDb } from "./migrate-db.ts";
import { openDb } from "./open.ts";
import { createTestDatabase, usePgCluster } from "./pg/_test-cluster.ts";
import { pgBackend } from "./pg/backend.ts";
import { sqliteBackend } from "./sqlite-backend.ts";

usePgCluster();

const clock = () => new Date("2026-11-25T12:00:00Z");

/** What a client sees through the API: the answers that must not change with the database. */
async function answers(backend: Backend, tokens: string[], ids: string[]) {
  const app = createApp({ backend, log: silentLogger, clock });
  const get = async (path: string, token: string) => {
    const res = await app.handle(
      new Request(`http://loom${path}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    // Search ranks are each engine's own score (bm25, ts_rank): the order is what must match.
    const text = (await res.text()).replace(/,"rank":[-0-9.e]+/g, "");
    return [res.status, res.headers.get("etag"), text];
  };
  const out: unknown[] = [];
  for (const t of tokens) {
    out.push(await get("/api/auth/me", t));
    out.push(await get("/api/threads?limit=200", t));
    out.push(await get("/api/threads/search?q=parser", t));
    out.push(await get("/api/threads/search?q=tokeni*", t));
    out.push(await get("/api/usage", t));
    out.push(await get("/api/orgs", t));
    for (const id of ids) out.push(await get(`/api/threads/${id}`, t));
  }
  return out;
}

describe("loom admin migrate-db", () => {
  test("a SQLite server's threads, tokens and usage answer the same from Postgres; a rerun changes nothing", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-migrate-db-")), "server.db");
    const db = openDb(path);
    const lite = sqliteBackend(db, { clock, log: silentLogger });
    const alice = await lite.tokens.create({ name: "alice" });
    const bob = await lite.tokens.create({ name: "bob", rateLimitPerMinute: 7 });
    const gone = await lite.tokens.create({ name: "gone" });
    await lite.tokens.revoke(gone.id);
    const ap = { userId: "alice", via: "token" as const, tokenId: alice.id };
    const threads = [
      sampleThread({ title: "parser hang", updatedAt: "2026-11-02T10:00:00.000Z" }),
      sampleThread({
        title: "tokenizer notes",
        visibility: "private",
        updatedAt: "2026-11-03T10:00:00+02:00",
      }),
      sampleThread({ title: "deleted one" }),
      sampleThread({ title: "updated", git: { branch: "fix/lexer-crash", commits: ["a1b2c3d"] } }),
    ];
    for (const t of threads) await lite.threads.put(ap, t, undefined);
    await lite.threads.put(ap, { ...threads[3]!, title: "updated twice" }, 1);
    await lite.threads.softDelete(threads[2]!.id, clock());
    lite.usage.record(ap, {
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      inputTokens: 1000,
      outputTokens: 20,
    });
    lite.usage.record(ap, {
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      inputTokens: 5,
      outputTokens: 1,
    });
    lite.usage.record(
      { ...ap, userId: "bob", tokenId: bob.id },
      { provider: "openai", model: "made-up", inputTokens: 3, outputTokens: 4 },
    );
    await lite.usage.flush();
    // An org with a member and an API key (the account tables travel too).
    const app = createApp({ backend: lite, log: silentLogger, clock });
    const post = async (path: string, body: unknown) =>
      app.handle(
        new Request(`http://loom${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${alice.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    expect((await post("/api/orgs", { slug: "acme" })).status).toBe(201);
    const keyRes = await post("/api/orgs/acme/api-keys", { name: "ci", scopes: ["threads:read"] });
    expect(keyRes.status).toBe(201);
    const { key } = (await keyRes.json()) as { key: string };
    // Flags, a kill switch (on, with its reason) and a flag SDK key travel too.
    expect((await post("/api/orgs/acme/flags", { key: "beta.search", kind: "boolean" })).status).toBe(201);
    expect((await post("/api/orgs/acme/kill-switches/ops.stop/activate", { reason: "r" })).status).toBe(200);
    const sdk = await post("/api/orgs/acme/flag-keys", { name: "s", kind: "server", environment: "prod" });
    const sdkKey = ((await sdk.json()) as { key: string }).key;
    // Analytics: a key, two events of an anonymous id, then identified (one person, two ids).
    expect((await post("/api/analytics/keys", { org: "acme", kind: "rw", name: "web" })).status).toBe(201);
    const anon = "0190f3a2-0000-7000-8000-00000000000a";
    expect(
      (
        await post("/api/analytics/batch", {
          batch: [
            { event: "a", distinct_id: anon },
            { event: "b", distinct_id: anon },
          ],
        })
      ).status,
    ).toBe(200);
    expect((await post("/api/analytics/identify", { distinct_id: "x", anon_distinct_id: anon })).status).toBe(
      200,
    );
    const ids = threads.map((t) => t.id);
    const tokens = [alice.token, bob.token, gone.token, key];
    const before = await answers(lite, tokens, ids);
    db.$client.close();

    const url = await createTestDatabase();
    const progress: MigrateProgress[] = [];
    const first = await migrateDb({
      from: `sqlite:${path}`,
      to: url,
      batch: 2,
      progress: (p) => progress.push(p),
    });
    // Progress: every batch of every table, then each table verified (what the CLI shows on stderr).
    expect(progress.filter((p) => p.table === "threads")).toEqual([
      { step: "copy", table: "threads", copied: 2, total: 4 },
      { step: "copy", table: "threads", copied: 4, total: 4 },
      { step: "verify", table: "threads" },
    ]);
    expect(progress.filter((p) => p.table === "teams")).toEqual([
      { step: "copy", table: "teams", copied: 0, total: 0 },
      { step: "verify", table: "teams" },
    ]);
    expect(first.map((r) => [r.table, r.rows, r.ok])).toEqual([
      ["users", 3, true],
      ["user_roles", 1, true],
      ["tokens", 3, true],
      ["orgs", 1, true],
      ["org_members", 1, true],
      ["teams", 0, true],
      ["team_members", 0, true],
      ["threads", 4, true],
      ["usage", 2, true],
      ["api_keys", 1, true],
      ["sessions", 0, true],
      ["share_links", 0, true],
      ["support_grants", 0, true],
      ["invitations", 0, true],
      ["join_requests", 0, true],
      ["audit_log", 6, true],
      ["flags", 1, true],
      ["kill_switches", 1, true],
      ["flag_sdk_keys", 1, true],
      ["analytics_keys", 1, true],
      ["analytics_persons", 1, true],
      ["analytics_person_ids", 2, true],
      ["analytics_events", 2, true],
    ]);
    const second = await migrateDb({ from: `sqlite:${path}`, to: url });
    expect(second).toEqual(first);

    const pg = await pgBackend(url, { clock, log: silentLogger, max: 2 });
    try {
      expect(await answers(pg, tokens, ids)).toEqual(before);
      const flagsApp = createApp({ backend: pg, log: silentLogger, clock });
      const rules = await flagsApp.handle(
        new Request("http://loom/api/flags/rules", { headers: { authorization: `Bearer ${sdkKey}` } }),
      );
      expect(await rules.json()).toMatchObject({
        flags: { "beta.search": { killedBy: null } },
        killSwitches: [{ key: "ops.stop", active: true, reason: "r" }],
      });
      // New threads on Postgres get index rows of their own (the sequence is past the copied ones).
      const t = sampleThread({ title: "parser again" });
      expect((await pg.threads.put(ap, t, undefined)).kind).toBe("created");
      expect((await pg.threads.search(ap, "again", 10)).map((r) => r.id)).toEqual([t.id]);
      expect(await pg.threads.search(ap, "parser", 10)).toHaveLength(4);
    } finally {
      await pg.close();
    }
  });

  test("a missing source is one line", async () => {
    const url = await createTestDatabase();
    expect(
      String(await migrateDb({ from: "sqlite:/nonexistent/server.db", to: url }).catch((e) => e)),
    ).toContain("--from: no SQLite database at /nonexistent/server.db");
  });
});
