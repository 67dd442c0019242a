/**
 * Usage summed per UTC day, user, provider and model over a day range (`GET /api/usage/report`,
 * `GET /api/orgs/:org/usage`): one query for both databases over the shared SQL subset.
 *
 * Usage rows carry the user and token, not an org: an org's usage is that of its current members
 * (all their tokens) plus whatever went through the org's API keys (keys act for their creator, so
 * this matters only once a creator has left). A member of two orgs shows in both.
 */
import type { SqlRunner } from "../db/sql-runner.ts";

export type UsageScope = { userId: string } | { orgId: string };

export interface UsageReportItem {
  day: string;
  userId: string;
  /** The user's e-mail, else their display name. */
  user: string;
  provider: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** More rows than a chart or a CSV of a year needs; the route says when the limit cut the answer. */
export const REPORT_LIMIT = 20_000;

export async function usageReport(
  db: SqlRunner,
  scope: UsageScope,
  from: string,
  to: string,
): Promise<{ items: UsageReportItem[]; truncated: boolean }> {
  const [who, whoParams] =
    "userId" in scope
      ? ["u.user_id = ?", [scope.userId]]
      : [
          `(u.user_id IN (SELECT user_id FROM org_members WHERE org_id = ?)
            OR u.token_id IN (SELECT id FROM api_keys WHERE org_id = ?))`,
          [scope.orgId, scope.orgId],
        ];
  const rows = await db.all<Record<keyof UsageReportItem, string | number>>(
    `SELECT u.day AS "day", u.user_id AS "userId", COALESCE(us.email, us.display_name, u.user_id) AS "user",
            u.provider AS "provider", u.model AS "model", SUM(u.requests) AS "requests",
            SUM(u.input_tokens) AS "inputTokens", SUM(u.output_tokens) AS "outputTokens", SUM(u.cost_usd) AS "costUsd"
       FROM usage u LEFT JOIN users us ON us.id = u.user_id
      WHERE ${who} AND u.day >= ? AND u.day <= ?
      GROUP BY u.day, u.user_id, us.email, us.display_name, u.provider, u.model
      ORDER BY u.day, u.user_id, u.provider, u.model
      LIMIT ?`,
    [...whoParams, from, to, REPORT_LIMIT + 1],
  );
  // Postgres answers SUM of bigint as a string.
  const items = rows.slice(0, REPORT_LIMIT).map((r) => ({
    day: String(r.day),
    userId: String(r.userId),
    user: String(r.user),
    provider: String(r.provider),
    model: String(r.model),
    requests: Number(r.requests),
    inputTokens: Number(r.inputTokens),
    outputTokens: Number(r.outputTokens),
    costUsd: Number(r.costUsd),
  }));
  return { items, truncated: rows.length > REPORT_LIMIT };
}
