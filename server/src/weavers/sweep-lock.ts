/**
 * One replica at a time sweeps the weavers: a round takes the weavers' advisory lock without
 * waiting (`pg_try_advisory_lock`) on a reserved connection, and skips when another replica has it.
 */
import { LOCK_SPACE, LOCK_WEAVERS } from "../db/pg/locks.ts";
import type { RoundLock } from "./sweeper.ts";

export function pgRoundLock(sql: Bun.SQL): RoundLock {
  return async (fn) => {
    const conn = await sql.reserve();
    try {
      const got: { ok: boolean }[] =
        await conn`SELECT pg_try_advisory_lock(${LOCK_SPACE}, ${LOCK_WEAVERS}) AS ok`;
      if (!got[0]?.ok) return undefined;
      try {
        return await fn();
      } finally {
        await conn`SELECT pg_advisory_unlock(${LOCK_SPACE}, ${LOCK_WEAVERS})`;
      }
    } finally {
      conn.release();
    }
  };
}
