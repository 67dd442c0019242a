/** Usage accounting: requests, tokens and cost per token, provider, model and UTC day. */
import { costOf } from "@loom/runtime/providers/catalogue";
import { sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/open.ts";
import { usage } from "../db/schema.ts";

/**
 * USD for one call, `undefined` for a model without a known price (stored as 0; `GET /api/usage` then
 * answers `costUsd: null` for it). Default: the runtime's catalogue.
 */
export type CostLookup = (
  model: string,
  usage: { inputTokens: number; outputTokens: number },
) => number | undefined;

export interface UsageEntry {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export function createUsageRecorder(db: Db, opts: { cost?: CostLookup; clock: () => Date }) {
  const costFn = opts.cost ?? costOf;
  return (principal: Principal, e: UsageEntry): void => {
    const cost = costFn(e.model, e) ?? 0;
    const row = {
      day: opts.clock().toISOString().slice(0, 10),
      tokenId: principal.tokenId ?? `user:${principal.userId}`,
      userId: principal.userId,
      provider: e.provider,
      model: e.model,
      requests: 1,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      costUsd: cost,
    };
    db.insert(usage)
      .values(row)
      .onConflictDoUpdate({
        target: [usage.day, usage.tokenId, usage.provider, usage.model],
        set: {
          requests: sql`${usage.requests} + 1`,
          inputTokens: sql`${usage.inputTokens} + ${e.inputTokens}`,
          outputTokens: sql`${usage.outputTokens} + ${e.outputTokens}`,
          costUsd: sql`${usage.costUsd} + ${cost}`,
        },
      })
      .run();
  };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
