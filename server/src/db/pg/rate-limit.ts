/**
 * The proxy's token buckets shared by every replica: one row per key in `rate_limits`, taken by one
 * atomic statement (the row lock orders concurrent takers on any replica), so N requests/minute holds
 * across the cluster. Same bucket as the in-memory limiter (`proxy/rate-limit.ts`): `perMinute`
 * capacity, refilled continuously. Time comes from the server clock (replicas keep theirs in sync, as
 * for any cluster); a clock behind the stored time refills nothing rather than going negative.
 */
import type { RateLimiter } from "../../proxy/rate-limit.ts";

export function createPgRateLimiter(sql: Bun.SQL, o: { perMinute: number; now?: () => number }): RateLimiter {
  const now = o.now ?? Date.now;
  return {
    async take(key, perMinute) {
      const capacity = Math.max(1, perMinute ?? o.perMinute);
      const perMs = capacity / 60_000;
      const t = now();
      // Refilled level: least(capacity, tokens + elapsed × rate). Taken only when ≥ 1.
      const refilled = sql`least(${capacity}::float8, rate_limits.tokens + greatest(0, ${t}::bigint - rate_limits.at) * ${perMs}::float8)`;
      const taken: unknown[] = await sql`
        INSERT INTO rate_limits (key, tokens, at) VALUES (${key}, ${capacity - 1}::float8, ${t}::bigint)
        ON CONFLICT (key) DO UPDATE SET tokens = ${refilled} - 1, at = greatest(rate_limits.at, ${t}::bigint)
          WHERE ${refilled} >= 1
        RETURNING 1`;
      if (taken.length > 0) return undefined;
      const rows: { tokens: number; at: string }[] =
        await sql`SELECT tokens, at FROM rate_limits WHERE key = ${key}`;
      const r = rows[0];
      if (!r) return undefined;
      const level = Math.min(capacity, r.tokens + Math.max(0, t - Number(r.at)) * perMs);
      return Math.max(1, Math.ceil((1 - level) / perMs));
    },
  };
}

/** Drops buckets idle for a minute or more: refilled to capacity by then, the same as no row. */
export async function pruneRateLimits(sql: Bun.SQL, now: number): Promise<number> {
  const r = await sql`DELETE FROM rate_limits WHERE at < ${now - 60_000}::bigint`;
  return r.count;
}
