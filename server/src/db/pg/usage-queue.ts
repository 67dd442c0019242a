/**
 * Usage accounting on PostgreSQL, with the SQLite queue's promises (`proxy/usage.ts`): recording never
 * fails or delays the caller's call. Calls are merged in memory by (day, token, provider, model) and
 * written by one statement at a time (`INSERT … ON CONFLICT DO UPDATE SET requests = requests + …`,
 * so replicas adding to the same row add up, never overwrite); rows that arrive while a write is in
 * flight wait for the next. A failed write puts its rows back and is retried with backoff; the queue
 * is bounded; `close()` flushes until its deadline and logs what it could not write.
 */
import { costOf } from "@loom/runtime/providers/catalogue";
import type { Logger } from "../../logger.ts";
import type { CostLookup, UsageQueue, UsageRecorder } from "../../proxy/usage.ts";
import { keyOf, mergeUsage, type UsageRow, usageRow } from "../../proxy/usage-rows.ts";
import { createUsageTrouble } from "../../proxy/usage-trouble.ts";

export interface PgUsageQueueOptions {
  clock: () => Date;
  log: Logger;
  cost?: CostLookup;
  maxPending?: number;
  retry?: { initialMs: number; maxMs: number };
  /** Default deadline of `flush`/`close` (ms). */
  timeoutMs?: number;
}

export function createPgUsageQueue(sql: Bun.SQL, o: PgUsageQueueOptions): UsageQueue {
  const costFn = o.cost ?? costOf;
  const maxPending = o.maxPending ?? 10_000;
  const retry = o.retry ?? { initialMs: 50, maxMs: 5000 };
  const timeoutMs = o.timeoutMs ?? 5000;
  let pending = new Map<string, UsageRow>();
  let inflight: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = retry.initialMs;
  let closed = false;
  const trouble = createUsageTrouble(o.log, maxPending);

  const write = async (rows: UsageRow[]) => {
    const cols = {
      day: rows.map((r) => r.day),
      token: rows.map((r) => r.tokenId),
      user: rows.map((r) => r.userId),
      provider: rows.map((r) => r.provider),
      model: rows.map((r) => r.model),
      requests: rows.map((r) => r.requests),
      input: rows.map((r) => r.inputTokens),
      output: rows.map((r) => r.outputTokens),
      cost: rows.map((r) => r.costUsd),
    };
    // One statement for any number of rows: arrays unnested into rows.
    await sql`
      INSERT INTO usage (day, token_id, user_id, provider, model, requests, input_tokens, output_tokens, cost_usd)
      SELECT * FROM unnest(${cols.day}::text[], ${cols.token}::text[], ${cols.user}::text[], ${cols.provider}::text[],
                           ${cols.model}::text[], ${cols.requests}::bigint[], ${cols.input}::bigint[],
                           ${cols.output}::bigint[], ${cols.cost}::float8[])
      ON CONFLICT (day, token_id, provider, model) DO UPDATE SET
        requests = usage.requests + excluded.requests,
        input_tokens = usage.input_tokens + excluded.input_tokens,
        output_tokens = usage.output_tokens + excluded.output_tokens,
        cost_usd = usage.cost_usd + excluded.cost_usd`;
  };

  /** Writes what is pending now (one statement); on failure the rows go back into the queue. */
  const attempt = async (): Promise<boolean> => {
    if (pending.size === 0) return true;
    const batch = pending;
    pending = new Map();
    try {
      await write([...batch.values()]);
    } catch (e) {
      for (const [k, r] of batch) {
        const cur = pending.get(k);
        if (cur) mergeUsage(cur, r);
        else pending.set(k, r);
      }
      const errno = (e as { errno?: unknown } | null)?.errno; // Postgres's SQLSTATE
      trouble.writeFailed(e, {
        code: typeof errno === "string" ? errno : undefined,
        pendingRows: pending.size,
        retrying: !closed,
      });
      return false;
    }
    trouble.recovered();
    delay = retry.initialMs;
    return true;
  };

  const kick = () => {
    if (inflight || timer || closed) return;
    inflight = attempt().then((ok) => {
      inflight = undefined;
      if (closed) return;
      if (!ok) {
        timer = setTimeout(() => {
          timer = undefined;
          kick();
        }, delay);
        (timer as { unref?: () => void }).unref?.();
        delay = Math.min(delay * 2, retry.maxMs);
      } else if (pending.size > 0) kick();
    });
  };

  const flush = async (ms = timeoutMs): Promise<boolean> => {
    const start = performance.now();
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      // A finished write may start the next one (rows recorded meanwhile): wait for every write.
      while (inflight) await inflight;
      if (pending.size === 0) return true;
      if (await attempt()) return true;
      const left = ms - (performance.now() - start);
      if (left <= 0) return false;
      await Bun.sleep(Math.min(wait, left));
    }
  };

  const record: UsageRecorder = (principal, e) => {
    const row = usageRow(principal, e, o.clock(), costFn(e.model, e) ?? 0);
    const key = keyOf(row);
    const cur = pending.get(key);
    if (cur) mergeUsage(cur, row);
    else if (pending.size >= maxPending) {
      trouble.queueFull(row);
      return;
    } else pending.set(key, row);
    kick();
  };

  return {
    record,
    flush,
    pending: () => pending.size,
    async close(ms = timeoutMs) {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!(await flush(ms))) {
        trouble.lost(`database unreachable for ${ms} ms at shutdown`, pending);
        pending.clear();
      }
    },
  };
}
