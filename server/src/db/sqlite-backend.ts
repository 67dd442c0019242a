/**
 * The embedded default: one `loom serve` process over a SQLite file. Thread events go to this
 * process's subscribers only (there is no other replica); rate-limit buckets are kept in memory.
 */
import { and, asc, eq, gte, lte, type SQL } from "drizzle-orm";
import { createAccounts } from "../accounts/accounts.ts";
import { createAnalytics } from "../analytics/analytics.ts";
import { sqliteTokens } from "../auth/tokens.ts";
import { localFlagBus } from "../flags/events.ts";
import { createFlagsBackend } from "../flags/flags-backend.ts";
import type { Logger } from "../logger.ts";
import { createRateLimiter, type RateLimiter } from "../proxy/rate-limit.ts";
import { type CostLookup, createUsageQueue, type UsageQueue } from "../proxy/usage.ts";
import { usageReport } from "../proxy/usage-report.ts";
import type { SearchIndexer } from "../threads/search-indexer.ts";
import { createThreadStore, type PutRunner } from "../threads/store.ts";
import type { Backend, ThreadEvent, ThreadStoreApi } from "./backend.ts";
import { createLocalEvents } from "./local-events.ts";
import type { Db } from "./open.ts";
import { usage } from "./schema.ts";
import { sqliteRunner } from "./sql-runner.ts";
import { createDbWriter, type DbWriter } from "./writer.ts";

export interface SqliteBackendOptions {
  writer?: DbWriter;
  usage?: UsageQueue;
  limiter?: RateLimiter;
  rateLimitPerMinute?: number;
  clock: () => Date;
  log: Logger;
  cost?: CostLookup;
  /** Who indexes thread writes for search (default: this thread; `loom serve`: the maintenance worker). */
  searchIndexer?: SearchIndexer;
  /** Where thread PUTs' transactions run (default: this thread; `loom serve`: the thread-writer worker). */
  runPut?: PutRunner;
  /** Runs after the usage queue is closed (maintenance worker, the connection). */
  onClose?: () => Promise<void> | void;
}

export function sqliteBackend(db: Db, o: SqliteBackendOptions): Backend & { db: Db } {
  const writer = o.writer ?? createDbWriter(db.$client);
  const store = createThreadStore(db, writer, o.searchIndexer, o.runPut);
  const events = createLocalEvents();
  const emit = (e: ThreadEvent) => events.publish(e);
  const threads: ThreadStoreApi = {
    get: (id) => store.get(id),
    list: (p, opts) => store.list(p, opts),
    search: (p, q, limit) => store.search(p, q, limit),
    async put(p, input, ifMatch) {
      const out = await store.put(p, input, ifMatch);
      if (out.kind === "created" || out.kind === "updated") {
        const t = out.thread;
        emit({
          id: t.id,
          version: t.version,
          updatedAt: t.updatedAt,
          ownerId: p.userId,
          visibility: t.visibility,
          orgId: out.orgId,
          teamId: out.teamId,
          deleted: false,
        });
      }
      return out;
    },
    async softDelete(id, now) {
      await store.softDelete(id, now);
      const r = store.get(id);
      if (r)
        emit({
          id,
          version: r.version,
          updatedAt: r.updatedAt,
          ownerId: r.ownerId,
          visibility: r.visibility,
          orgId: r.orgId ?? null,
          teamId: r.teamId ?? null,
          deleted: true,
        });
    },
    async setVisibility(id, visibility, scope) {
      const t = await store.setVisibility(id, visibility, scope);
      const r = t && store.get(id);
      if (t && r)
        emit({
          id,
          version: t.thread.version,
          updatedAt: r.updatedAt,
          ownerId: r.ownerId,
          visibility,
          orgId: t.orgId,
          teamId: t.teamId,
          deleted: Boolean(r.deletedAt),
        });
      return t;
    },
  };
  const usageQueue = o.usage ?? createUsageQueue(db, { writer, cost: o.cost, clock: o.clock, log: o.log });
  const runner = sqliteRunner(db.$client, writer);
  const epoch = db.$client.prepare<{ n: number }, []>("SELECT n FROM auth_epoch WHERE id = 1");
  return {
    kind: "sqlite",
    db,
    threads,
    accounts: createAccounts(runner, o.clock),
    usageReport: (scope, from, to) => usageReport(runner, scope, from, to),
    flags: createFlagsBackend(runner, o.clock, localFlagBus()),
    analytics: createAnalytics(runner, o.clock),
    tokens: sqliteTokens(db),
    usageRows(userId, from, to) {
      const conds: SQL[] = [eq(usage.userId, userId)];
      if (from) conds.push(gte(usage.day, from));
      if (to) conds.push(lte(usage.day, to));
      return db
        .select({
          day: usage.day,
          tokenId: usage.tokenId,
          provider: usage.provider,
          model: usage.model,
          requests: usage.requests,
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          costUsd: usage.costUsd,
        })
        .from(usage)
        .where(and(...conds))
        .orderBy(asc(usage.day), asc(usage.provider), asc(usage.model))
        .limit(10_000)
        .all();
    },
    usage: usageQueue,
    limiter:
      o.limiter ??
      createRateLimiter({ perMinute: o.rateLimitPerMinute ?? 600, now: () => o.clock().getTime() }),
    events,
    authEpoch: () => epoch.get()?.n,
    ping() {
      db.$client.query("SELECT 1").get();
    },
    async close() {
      await usageQueue.close();
      await o.onClose?.();
    },
  };
}
