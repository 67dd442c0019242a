/**
 * The usage queues' log lines, SQLite and Postgres alike: one line per streak of trouble, not one per
 * call. `usage.write_failed` (the error's code and first line) when writes start failing,
 * `usage.lost` when a full queue starts dropping new rows, and `usage.lost` with the totals of what
 * is given up (at shutdown). A write that goes through ends the streak (`recovered`).
 */
import type { Logger } from "../logger.ts";
import type { UsageRow } from "./usage-rows.ts";

export interface UsageTrouble {
  writeFailed(e: unknown, o: { code: string | undefined; pendingRows: number; retrying: boolean }): void;
  /** `row` was dropped: the queue already holds `maxPending` rows. */
  queueFull(row: UsageRow): void;
  recovered(): void;
  /** Logs what `pending` holds (if anything) as lost, for `reason`; the caller then lets it go. */
  lost(reason: string, pending: ReadonlyMap<string, UsageRow>): void;
}

export function createUsageTrouble(log: Logger, maxPending: number): UsageTrouble {
  let reportedFailure = false;
  let reportedDrop = false;
  return {
    writeFailed(e, o) {
      if (reportedFailure) return;
      reportedFailure = true;
      const message = (e as { message?: unknown } | null)?.message ?? e;
      log.error("usage.write_failed", {
        code: o.code,
        message: String(message).split("\n")[0]?.slice(0, 200),
        pendingRows: o.pendingRows,
        retrying: o.retrying,
      });
    },
    queueFull(row) {
      if (reportedDrop) return;
      reportedDrop = true;
      log.error("usage.lost", {
        reason: `queue full (${maxPending} rows waiting for the database)`,
        provider: row.provider,
        model: row.model,
        requests: row.requests,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
      });
    },
    recovered() {
      reportedFailure = false;
      reportedDrop = false;
    },
    lost(reason, pending) {
      if (pending.size === 0) return;
      const t = { rows: pending.size, requests: 0, inputTokens: 0, outputTokens: 0 };
      for (const r of pending.values()) {
        t.requests += r.requests;
        t.inputTokens += r.inputTokens;
        t.outputTokens += r.outputTokens;
      }
      log.error("usage.lost", { reason, ...t });
    },
  };
}
