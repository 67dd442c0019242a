/**
 * The PostgreSQL backend: what several `loom serve` replicas share through one database. Everything
 * that must hold across replicas is in the database: threads and their version check (row lock in
 * the write transaction), tokens, usage rows (additive upserts), rate-limit buckets, thread events
 * (LISTEN/NOTIFY) and periodic cleanup (advisory lock). A replica keeps in memory only usage not yet
 * written (merged, flushed within milliseconds) and its own SSE subscribers.
 */
import { createAccounts } from "../../accounts/accounts.ts";
import { createAnalytics } from "../../analytics/analytics.ts";
import { type FlagBus, pgFlagBus } from "../../flags/events.ts";
import { createFlagsBackend } from "../../flags/flags-backend.ts";
import type { Logger } from "../../logger.ts";
import type { CostLookup } from "../../proxy/usage.ts";
import { usageReport } from "../../proxy/usage-report.ts";
import type { Backend, UsageItem } from "../backend.ts";
import { pgRunner } from "../sql-runner.ts";
import { startCleanup } from "./cleanup.ts";
import { listenThreadEvents } from "./events.ts";
import { openPg, type PgDb } from "./open.ts";
import { createPgRateLimiter } from "./rate-limit.ts";
import { createPgThreadStore } from "./thread-store.ts";
import { createPgTokenStore } from "./tokens.ts";
import { createPgUsageQueue } from "./usage-queue.ts";

export interface PgBackendOptions {
  clock: () => Date;
  log: Logger;
  cost?: CostLookup;
  rateLimitPerMinute?: number;
  /** Connections in this replica's pool. */
  max?: number;
  /** How often a replica tries the cleanup round (ms). */
  cleanupEveryMs?: number;
  /** Usage flush deadline at shutdown (ms). */
  timeoutMs?: number;
}

export type PgBackend = Backend & { pg: PgDb };

export async function pgBackend(url: string, o: PgBackendOptions): Promise<PgBackend> {
  const pg = await openPg(url, { max: o.max });
  const { sql } = pg;
  let events: Awaited<ReturnType<typeof listenThreadEvents>>;
  let flagBus: FlagBus;
  try {
    events = await listenThreadEvents(sql);
    flagBus = await pgFlagBus(sql);
  } catch (e) {
    await sql.close().catch(() => {});
    throw e;
  }
  const usage = createPgUsageQueue(sql, { clock: o.clock, log: o.log, cost: o.cost, timeoutMs: o.timeoutMs });
  const cleanup = startCleanup(sql, {
    log: o.log,
    everyMs: o.cleanupEveryMs,
    now: () => o.clock().getTime(),
  });
  return {
    kind: "postgres",
    pg,
    threads: createPgThreadStore(sql),
    tokens: createPgTokenStore(sql),
    accounts: createAccounts(pgRunner(sql), o.clock),
    usageReport: (scope, from, to) => usageReport(pgRunner(sql), scope, from, to),
    flags: createFlagsBackend(pgRunner(sql), o.clock, flagBus),
    analytics: createAnalytics(pgRunner(sql), o.clock),
    async usageRows(userId, from, to) {
      const rows: (Omit<UsageItem, "requests" | "inputTokens" | "outputTokens"> & {
        requests: string;
        inputTokens: string;
        outputTokens: string;
      })[] = await sql`
        SELECT day, token_id AS "tokenId", provider, model, requests, input_tokens AS "inputTokens",
               output_tokens AS "outputTokens", cost_usd AS "costUsd"
          FROM usage
         WHERE user_id = ${userId} ${from ? sql`AND day >= ${from}` : sql``} ${to ? sql`AND day <= ${to}` : sql``}
         ORDER BY day, provider, model
         LIMIT 10000`;
      return rows.map((r) => ({
        ...r,
        requests: Number(r.requests),
        inputTokens: Number(r.inputTokens),
        outputTokens: Number(r.outputTokens),
      }));
    },
    usage,
    limiter: createPgRateLimiter(sql, {
      perMinute: o.rateLimitPerMinute ?? 600,
      now: () => o.clock().getTime(),
    }),
    events,
    async ping() {
      await sql`SELECT 1`;
    },
    async close() {
      await cleanup.stop();
      await usage.close();
      await events.close();
      await flagBus.close();
      await sql.close();
    },
  };
}
