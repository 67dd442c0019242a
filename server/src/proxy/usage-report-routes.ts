/**
 * Usage per day, user, provider and model over a day range, for the web UI's charts and CSV:
 * `GET /api/usage/report` (the caller's own) and `GET /api/orgs/:org/usage` (an org's members, for
 * its owners and admins). The range defaults to the 30 days ending today (UTC) and spans at most 366.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { orgGuard } from "../orgs/org-guard.ts";
import { OrgParams } from "../orgs/schemas.ts";
import type { CostLookup } from "./usage.ts";
import type { UsageReportItem, UsageScope } from "./usage-report.ts";

const Day = t.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "a day as YYYY-MM-DD" });
const Range = t.Object({ from: t.Optional(Day), to: t.Optional(Day) });
const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

const Report = t.Object({
  from: t.String(),
  to: t.String(),
  items: t.Array(
    t.Object({
      day: t.String(),
      userId: t.String(),
      user: t.String(),
      provider: t.String(),
      model: t.String(),
      requests: t.Number(),
      inputTokens: t.Number(),
      outputTokens: t.Number(),
      /** null: no known price for this model (its tokens are counted, its cost is not). */
      costUsd: t.Nullable(t.Number()),
    }),
  ),
  /** More rows than the server answers at once: narrow the range. */
  truncated: t.Boolean(),
});

/** `from`/`to` checked and defaulted: both real days, in order, at most MAX_DAYS apart. */
export function dayRange(q: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const parse = (s: string, name: string) => {
    const ms = Date.parse(`${s}T00:00:00Z`);
    if (Number.isNaN(ms) || day(ms) !== s)
      throw new HttpError(400, "INVALID_INPUT", `${name}: ${s} is not a day`);
    return ms;
  };
  const to = q.to ? parse(q.to, "to") : Date.parse(`${day(now.getTime())}T00:00:00Z`);
  const from = q.from ? parse(q.from, "from") : to - 29 * DAY_MS;
  if (from > to) throw new HttpError(400, "INVALID_INPUT", "from is after to");
  if ((to - from) / DAY_MS + 1 > MAX_DAYS)
    throw new HttpError(400, "INVALID_INPUT", `a range spans at most ${MAX_DAYS} days`);
  return { from: day(from), to: day(to) };
}

export function usageReportRoutes(d: {
  report(
    scope: UsageScope,
    from: string,
    to: string,
  ): Promise<{ items: UsageReportItem[]; truncated: boolean }>;
  resolvers: PrincipalResolver[];
  kit: AuthKit;
  cost: CostLookup;
  clock: () => Date;
}) {
  const { orgFor } = orgGuard(d.kit);
  const answer = async (scope: UsageScope, q: { from?: string; to?: string }) => {
    const range = dayRange(q, d.clock());
    const r = await d.report(scope, range.from, range.to);
    const priced = (model: string) => d.cost(model, { inputTokens: 1, outputTokens: 1 }) !== undefined;
    return {
      ...range,
      truncated: r.truncated,
      items: r.items.map((i) => ({ ...i, costUsd: priced(i.model) ? i.costUsd : null })),
    };
  };
  return new Elysia({ detail: { tags: ["usage"] } })
    .use(authPlugin(d.resolvers))
    .get(
      "/api/usage/report",
      async ({ principal, query }) => {
        const dec = can(subjectOf(principal), "Read", { type: "user", userId: principal.userId });
        if (!dec.allow) throw new HttpError(403, "FORBIDDEN", dec.reason);
        return answer({ userId: principal.userId }, query);
      },
      {
        auth: true,
        query: Range,
        response: Report,
        detail: {
          summary: "The caller's usage per day, provider and model over a range of days",
          operationId: "usage.report",
          ...access("Read", "user"),
        },
      },
    )
    .get(
      "/api/orgs/:org/usage",
      async ({ principal, params, query, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        return answer({ orgId: org.id }, query);
      },
      {
        auth: true,
        params: OrgParams,
        query: Range,
        response: Report,
        detail: {
          summary: "An org's usage per day, member, provider and model (owners and admins)",
          operationId: "org.usage",
          ...access("ManageOrg", "org"),
        },
      },
    );
}
