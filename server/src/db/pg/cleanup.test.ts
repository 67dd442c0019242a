import { describe, expect, test } from "bun:test";
import { createTestDatabase, usePgCluster } from "./_test-cluster.ts";
import { cleanupOnce } from "./cleanup.ts";
import { LOCK_CLEANUP, LOCK_SPACE } from "./locks.ts";

usePgCluster();

describe("periodic cleanup on a shared database", () => {
  test("drops rate-limit buckets idle a minute or more (full again by then), keeps the others", async () => {
    const sql = new Bun.SQL(await createTestDatabase(), { max: 2 });
    const now = 10_000_000;
    await sql`INSERT INTO rate_limits (key, tokens, at) VALUES ('idle', 0, ${now - 60_001}), ('busy', 0, ${now - 59_000})`;
    expect(await cleanupOnce(sql, now)).toEqual({ rateLimits: 1 });
    const left: { key: string }[] = await sql`SELECT key FROM rate_limits`;
    expect(left.map((r) => r.key)).toEqual(["busy"]);
    await sql.close();
  });

  test("one replica at a time: a round finding the lock taken skips, and runs once it is free", async () => {
    const url = await createTestDatabase();
    const holder = new Bun.SQL(url, { max: 1 });
    const other = new Bun.SQL(url, { max: 2 });
    const conn = await holder.reserve();
    await conn`SELECT pg_advisory_lock(${LOCK_SPACE}, ${LOCK_CLEANUP})`;
    expect(await cleanupOnce(other, Date.now())).toBeUndefined();
    await conn`SELECT pg_advisory_unlock(${LOCK_SPACE}, ${LOCK_CLEANUP})`;
    conn.release();
    expect(await cleanupOnce(other, Date.now())).toEqual({ rateLimits: 0 });
    await Promise.all([holder.close(), other.close()]);
  });
});
