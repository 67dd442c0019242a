import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { openDb } from "../db/open.ts";
import { silentLogger } from "../logger.ts";
import { createAuthCache } from "./auth-cache.ts";
import { createToken } from "./tokens.ts";

describe("auth cache", () => {
  test("answers from memory while the epoch stands still, and reads again once it moves", async () => {
    let epoch = 1;
    let loads = 0;
    const cache = createAuthCache(() => epoch);
    const load = async () => ({ n: ++loads });
    expect(await cache.get("k", load)).toEqual({ n: 1 });
    expect(await cache.get("k", load)).toEqual({ n: 1 });
    epoch = 2;
    expect(await cache.get("k", load)).toEqual({ n: 2 });
    expect(loads).toBe(2);
  });

  test("keeps nothing read while the epoch moved, nothing not found, and nothing without an epoch", async () => {
    let epoch = 1;
    let loads = 0;
    const cache = createAuthCache(() => epoch);
    const racing = async () => {
      epoch++; // a change commits while the lookup runs
      return { n: ++loads };
    };
    await cache.get("k", racing);
    expect(await cache.get("k", async () => ({ n: ++loads }))).toEqual({ n: 2 });
    let misses = 0;
    const missing = async () => {
      misses++;
      return undefined;
    };
    await cache.get("gone", missing);
    await cache.get("gone", missing);
    expect(misses).toBe(2);
    const none = createAuthCache(() => undefined);
    await none.get("k", async () => ({ n: ++loads }));
    expect(await none.get("k", async () => ({ n: ++loads }))).toEqual({ n: 4 });
  });

  test("remembered values are frozen, nested ones too", async () => {
    const cache = createAuthCache(() => 1);
    const v = await cache.get("k", async () => ({ orgs: [{ orgId: "o" }] }));
    expect(Object.isFrozen(v)).toBe(true);
    expect(Object.isFrozen(v?.orgs[0])).toBe(true);
  });

  test("starts over past its size limit", async () => {
    let loads = 0;
    const cache = createAuthCache(() => 1, 2);
    for (const k of ["a", "b", "c"]) await cache.get(k, async () => ({ k, n: ++loads }));
    expect(await cache.get("c", async () => ({ k: "c", n: ++loads }))).toEqual({ k: "c", n: 3 });
    expect(await cache.get("a", async () => ({ k: "a", n: ++loads }))).toEqual({ k: "a", n: 4 });
  });
});

/**
 * The property the cache must keep: a change made by ANOTHER connection to the database file (as
 * `loom admin` or a second server does) applies to the next request. Each case first makes a request
 * that fills the cache, then changes the row with plain SQL through a second connection.
 */
describe("auth cache against changes from another connection", () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-auth-cache-"));
  const path = join(dir, "server.db");
  const db = openDb(path);
  const app = createApp({ db, log: silentLogger });
  const other = new Database(path);
  other.run("PRAGMA busy_timeout = 5000");
  const call = (token: string, method: string, url: string, body?: unknown) =>
    app.handle(
      new Request(`http://localhost${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  const me = async (token: string) => {
    const res = await call(token, "GET", "/api/auth/me");
    return { status: res.status, body: (await res.json()) as { orgs?: { orgId: string }[] } };
  };

  test("a token revoked elsewhere is refused at once", async () => {
    const t = createToken(db, { name: "revoked-elsewhere" });
    expect((await me(t.token)).status).toBe(200);
    other.run("UPDATE tokens SET revoked_at = ? WHERE id = ?", [new Date().toISOString(), t.id]);
    expect((await me(t.token)).status).toBe(401);
  });

  test("a user disabled elsewhere is refused at once", async () => {
    const t = createToken(db, { name: "disabled-elsewhere" });
    expect((await me(t.token)).status).toBe(200);
    other.run("UPDATE users SET disabled_at = ? WHERE id = ?", [new Date().toISOString(), t.userId]);
    expect((await me(t.token)).status).toBe(401);
  });

  test("a membership removed elsewhere is gone from the next request's subject", async () => {
    const t = createToken(db, { name: "member-elsewhere" });
    const made = await call(t.token, "POST", "/api/orgs", { slug: "cache-org" });
    expect(made.status).toBe(201);
    const orgId = ((await made.json()) as { id: string }).id;
    expect((await me(t.token)).body.orgs?.map((o) => o.orgId)).toEqual([orgId]);
    other.run("DELETE FROM org_members WHERE user_id = ?", [t.userId]);
    expect((await me(t.token)).body.orgs).toEqual([]);
  });

  test("a global role taken away elsewhere stops what it allowed at once", async () => {
    const t = createToken(db, { name: "admin-elsewhere" });
    other.run("INSERT INTO user_roles (user_id, role) VALUES (?, 'system_admin')", [t.userId]);
    expect((await call(t.token, "GET", "/api/admin/users")).status).toBe(200);
    other.run("DELETE FROM user_roles WHERE user_id = ?", [t.userId]);
    expect((await call(t.token, "GET", "/api/admin/users")).status).toBe(403);
  });

  test("cleanup", () => {
    other.close();
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
