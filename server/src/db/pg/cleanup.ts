/**
 * Periodic upkeep on a shared database, run by one replica at a time: each round tries the cleanup
 * advisory lock (`pg_try_advisory_lock`, never waiting) on a reserved connection; the replica that
 * gets it does the work and lets go, the others skip the round. Today: idle rate-limit buckets.
 */
import type { Logger } from "../../logger.ts";
import { LOCK_CLEANUP, LOCK_SPACE } from "./locks.ts";
import { pruneRateLimits } from "./rate-limit.ts";

/** One round; `undefined` when another replica holds the lock. */
export async function cleanupOnce(sql: Bun.SQL, now: number): Promise<{ rateLimits: number } | undefined> {
  const conn = await sql.reserve();
  try {
    const got: { ok: boolean }[] =
      await conn`SELECT pg_try_advisory_lock(${LOCK_SPACE}, ${LOCK_CLEANUP}) AS ok`;
    if (!got[0]?.ok) return undefined;
    try {
      return { rateLimits: await pruneRateLimits(conn, now) };
    } finally {
      await conn`SELECT pg_advisory_unlock(${LOCK_SPACE}, ${LOCK_CLEANUP})`;
    }
  } finally {
    conn.release();
  }
}

export function startCleanup(
  sql: Bun.SQL,
  o: { log: Logger; everyMs?: number; now?: () => number },
): { stop(): Promise<void> } {
  const now = o.now ?? Date.now;
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = cleanupOnce(sql, now())
      .catch((e) =>
        o.log.error("db.cleanup_failed", { message: String((e as Error).message ?? e).slice(0, 200) }),
      )
      .finally(() => {
        running = undefined;
      });
  }, o.everyMs ?? 60_000);
  (timer as { unref?: () => void }).unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
