/**
 * The rows a usage queue holds (SQLite's `proxy/usage.ts` and Postgres's `db/pg/usage-queue.ts`):
 * one per (day, token, provider, model), its counts adding up as calls are merged into it.
 */
import type { Principal } from "../auth/principal.ts";
import type { usage } from "../db/schema.ts";

export interface UsageEntry {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export type UsageRow = typeof usage.$inferInsert & {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
};

export const keyOf = (r: UsageRow) => JSON.stringify([r.day, r.tokenId, r.provider, r.model]);

/** The row of one call made at `now` costing `costUsd` (a user's own session counts as `user:<id>`). */
export function usageRow(principal: Principal, e: UsageEntry, now: Date, costUsd: number): UsageRow {
  return {
    day: now.toISOString().slice(0, 10),
    tokenId: principal.tokenId ?? `user:${principal.userId}`,
    userId: principal.userId,
    provider: e.provider,
    model: e.model,
    requests: 1,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    costUsd,
  };
}

/** Adds `r`'s counts into `into`, a row with the same key. */
export function mergeUsage(into: UsageRow, r: UsageRow): void {
  into.requests += r.requests;
  into.inputTokens += r.inputTokens;
  into.outputTokens += r.outputTokens;
  into.costUsd += r.costUsd;
}
