/**
 * Usage accounting: requests, tokens and cost per token, provider, model and UTC day.
 *
 * The upstream has answered (and billed) by the time usage is known, so recording it must neither
 * fail the caller's call nor block the event loop while another process holds the write lock. Each
 * call is merged into an in-memory queue keyed like the `usage` row (counts add up, so merging loses
 * nothing) and written with one non-waiting attempt; when the lock is taken the queue retries on a
 * timer with backoff. The queue is bounded in distinct rows; `close()` flushes it on shutdown. Giving
 * up (queue full, shutdown deadline passed) is one log line with what was lost.
 */
import { costOf } from "@loom/runtime/providers/catalogue";
import { sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/open.ts";
import { usage } from "../db/schema.ts";
import type { DbWriter } from "../db/writer.ts";
import type { Logger } from "../logger.ts";
import { keyOf, mergeUsage, type UsageEntry, type UsageRow, usageRow } from "./usage-rows.ts";
import { createUsageTrouble } from "./usage-trouble.ts";

/**
 * USD for one call, `undefined` for a model without a known price (stored as 0; `GET /api/usage` then
 * answers `costUsd: null` for it). Default: the runtime's catalogue.
 */
export type CostLookup = (
  model: string,
  usage: { inputTokens: number; outputTokens: number },
) => number | undefined;

/** Records one proxied call; never throws, never waits. */
export type UsageRecorder = (principal: Principal, e: UsageEntry) => void;

export interface UsageQueueOptions {
  writer: DbWriter;
  clock: () => Date;
  log: Logger;
  cost?: CostLookup;
  /** Distinct (day, token, provider, model) rows waiting at most; later new rows are dropped. */
  maxPending?: number;
  /** Retry delay: `initialMs` doubling up to `maxMs` while the lock stays taken. */
  retry?: { initialMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export function createUsageQueue(db: Db, o: UsageQueueOptions): UsageQueue {
  const costFn = o.cost ?? costOf;
  const maxPending = o.maxPending ?? 10_000;
  const retry = o.retry ?? { initialMs: 50, maxMs: 5000 };
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pending = new Map<string, UsageRow>();
  let delay = retry.initialMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const trouble = createUsageTrouble(o.log, maxPending);

  const upsert = (r: UsageRow) =>
    db
      .insert(usage)
      .values(r)
      .onConflictDoUpdate({
        target: [usage.day, usage.tokenId, usage.provider, usage.model],
        set: {
          requests: sql`${usage.requests} + ${r.requests}`,
          inputTokens: sql`${usage.inputTokens} + ${r.inputTokens}`,
          outputTokens: sql`${usage.outputTokens} + ${r.outputTokens}`,
          costUsd: sql`${usage.costUsd} + ${r.costUsd}`,
        },
      })
      .run();

  /** Writes everything pending in one transaction if the lock is free now; never waits. */
  const attempt = (): boolean => {
    if (pending.size === 0) return true;
    const rows = [...pending.values()];
    try {
      if (!o.writer.tryRun(() => rows.forEach(upsert)).ok) return false;
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      trouble.writeFailed(e, {
        code: typeof code === "string" ? code : undefined,
        pendingRows: pending.size,
        retrying: !closed,
      });
      return false;
    }
    pending.clear(); // synchronous since the snapshot: nothing was added in between
    delay = retry.initialMs;
    trouble.recovered();
    return true;
  };

  const tick = () => {
    timer = undefined;
    if (closed || attempt()) return;
    delay = Math.min(delay * 2, retry.maxMs);
    schedule();
  };
  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(tick, delay);
    // A pending retry alone does not keep a process alive; shutdown flushes through close().
    (timer as { unref?: () => void }).unref?.();
  };

  const giveUp = (reason: string) => {
    trouble.lost(reason, pending);
    pending.clear();
  };

  const add = (row: UsageRow): boolean => {
    const key = keyOf(row);
    const cur = pending.get(key);
    if (cur) {
      mergeUsage(cur, row);
      return true;
    }
    if (pending.size >= maxPending) {
      trouble.queueFull(row);
      return false;
    }
    pending.set(key, row);
    return true;
  };

  /** Tries until everything pending is written or `timeoutMs` passes; true when nothing is left. */
  const flush = async (timeoutMs = o.writer.timeoutMs): Promise<boolean> => {
    const start = performance.now();
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      if (attempt()) return true;
      const left = timeoutMs - (performance.now() - start);
      if (left <= 0) return false;
      await sleep(Math.min(wait, left));
    }
  };

  const record: UsageRecorder = (principal, e) => {
    if (!add(usageRow(principal, e, o.clock(), costFn(e.model, e) ?? 0))) return;
    // While a retry is scheduled the lock was taken a moment ago: wait for the timer, do not hammer.
    if (timer) return;
    if (attempt()) return;
    if (closed) giveUp("server stopping and the database is busy");
    else schedule();
  };

  return {
    record,
    flush,
    /** Rows waiting for the database. */
    pending: () => pending.size,
    /** Stops retrying on a timer and flushes for up to `timeoutMs`; what is left is logged as lost. */
    async close(timeoutMs = o.writer.timeoutMs): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!(await flush(timeoutMs))) giveUp(`database still busy after ${timeoutMs} ms at shutdown`);
    },
  };
}

export interface UsageQueue {
  record: UsageRecorder;
  /** Tries until everything pending is written or `timeoutMs` passes; true when nothing is left. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Rows waiting for the database. */
  pending(): number;
  /** Stops retrying on a timer and flushes for up to `timeoutMs`; what is left is logged as lost. */
  close(timeoutMs?: number): Promise<void>;
}
