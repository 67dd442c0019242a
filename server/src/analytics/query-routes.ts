/**
 * Reading analytics: `GET /api/analytics/{events,trends,funnel,export}` with an rw analytics key (its
 * org) or a signed-in org owner/admin (`?org=` id or slug; `_server`, Loom's own product events, for a
 * system_admin or auditor), and the keys of an org (`/api/analytics/keys`, org owner/admin).
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type Principal, type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import type { Analytics } from "./analytics.ts";
import { type AnalyticsCaller, analyticsAuth, SERVER_SCOPE } from "./caller.ts";
import { exportStream } from "./export.ts";
import { type EventQuery, FILTER_OPS, type FilterOp, type PropertyFilter } from "./filters.ts";
import { KEY_KINDS } from "./keys.ts";

const MAX_FILTERS = 20;
const Instant = t.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$",
  description: "a date (YYYY-MM-DD) or an ISO 8601 instant",
});
const Common = {
  /** Org id or slug (`_server`: Loom's own product events); an rw key implies its org. */
  org: t.Optional(t.String({ maxLength: 100 })),
  from: t.Optional(Instant),
  to: t.Optional(Instant),
  /** Event names, comma-separated. */
  name: t.Optional(t.String({ maxLength: 2000 })),
  person: t.Optional(t.String({ maxLength: 200 })),
  distinct_id: t.Optional(t.String({ maxLength: 200 })),
  /** JSON array of `{ key, op, value? }` (op: eq, neq, contains, gt, lt, set, not_set). */
  where: t.Optional(t.String({ maxLength: 20_000 })),
};
const EventOutT = t.Object({
  id: t.String(),
  name: t.String(),
  distinctId: t.String(),
  personId: t.String(),
  timestamp: t.String(),
  properties: t.Record(t.String(), t.Unknown()),
});
const Count = t.Object({ events: t.Integer(), persons: t.Integer() });
const TrendsOut = t.Object({
  interval: t.String(),
  breakdown: t.Nullable(t.String()),
  series: t.Array(
    t.Object({
      label: t.String(),
      points: t.Array(t.Object({ bucket: t.String(), events: t.Integer(), persons: t.Integer() })),
    }),
  ),
  totals: Count,
});
const FunnelOut = t.Object({
  windowSeconds: t.Number(),
  steps: t.Array(t.Object({ name: t.String(), persons: t.Integer(), conversion: t.Number() })),
});
type CommonQuery = { [K in keyof typeof Common]?: string };

/** `from`/`to` as an ISO instant; one that only looks like a date (`2026-13-45`) is a 400, not a 500. */
function iso(name: "from" | "to", s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const ms = Date.parse(s);
  if (Number.isNaN(ms))
    throw new HttpError(400, "INVALID_INPUT", `query parameter ${name}: ${s} is not a date`);
  return new Date(ms).toISOString();
}

export function parseWhere(raw: string | undefined): PropertyFilter[] {
  if (raw === undefined || raw === "") return [];
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new HttpError(
      400,
      "INVALID_INPUT",
      "query parameter where: not JSON (send an array of { key, op, value })",
    );
  }
  if (!Array.isArray(v) || v.length > MAX_FILTERS)
    throw new HttpError(
      400,
      "INVALID_INPUT",
      `query parameter where: expected an array of at most ${MAX_FILTERS} filters`,
    );
  return v.map((f, i): PropertyFilter => {
    const o = f as { key?: unknown; op?: unknown; value?: unknown } | null;
    const bad = (why: string) => new HttpError(400, "INVALID_INPUT", `query parameter where/${i}: ${why}`);
    if (!o || typeof o !== "object") throw bad("expected { key, op, value }");
    if (typeof o.key !== "string" || o.key.length < 1 || o.key.length > 200 || /["\\]/.test(o.key))
      throw bad('key must be 1-200 characters without " or \\');
    if (!FILTER_OPS.includes(o.op as FilterOp)) throw bad(`op must be one of ${FILTER_OPS.join(", ")}`);
    const value = o.value;
    if (value !== undefined && !["string", "number", "boolean"].includes(typeof value))
      throw bad("value must be a string, number or boolean");
    if ((o.op === "gt" || o.op === "lt") && !Number.isFinite(Number(value)))
      throw bad("gt and lt need a number");
    return { key: o.key, op: o.op as FilterOp, value: value as PropertyFilter["value"] };
  });
}

export function analyticsQueryRoutes(d: {
  analytics: Analytics;
  resolvers: PrincipalResolver[];
  kit: AuthKit;
}) {
  const { queries, keys } = d.analytics;
  const { orgs } = d.kit.accounts;

  /** The org a principal may manage: 404 when they may not even read it, else 403. */
  const managedOrg = async (p: Principal, request: Request, idOrSlug: string) => {
    if (p.via === "apikey")
      throw new HttpError(403, "FORBIDDEN", "org API keys cannot read analytics: use an rw analytics key");
    const subject = subjectOf(p);
    if (idOrSlug === SERVER_SCOPE) {
      const dec = can(subject, "Read", { type: "audit" });
      if (!dec.allow)
        throw new HttpError(403, "FORBIDDEN", "Loom's own analytics are for a system_admin or auditor");
      return SERVER_SCOPE;
    }
    const org = await orgs.get(idOrSlug);
    const resource = { type: "org" as const, orgId: org?.id ?? "" };
    if (!org || !can(subject, "Read", resource).allow)
      throw new HttpError(404, "NOT_FOUND", `org ${idOrSlug} not found`);
    const dec = can(subject, "ManageOrg", resource);
    if (!dec.allow) {
      await d.kit.audit(request, p, {
        action: "access.denied",
        targetType: "org",
        targetId: org.id,
        orgId: org.id,
        detail: { want: "analytics", reason: dec.reason },
      });
      throw new HttpError(403, "FORBIDDEN", dec.reason);
    }
    return org.id;
  };

  /** The org whose analytics the caller may read. */
  const readScope = async (caller: AnalyticsCaller, request: Request, org: string | undefined) => {
    if (caller.kind === "key") {
      if (caller.key.kind !== "rw")
        throw new HttpError(403, "FORBIDDEN", "a write-only analytics key cannot read: use an rw key");
      if (org !== undefined && org !== caller.key.orgId && (await orgs.get(org))?.id !== caller.key.orgId)
        throw new HttpError(403, "FORBIDDEN", "the analytics key belongs to another org");
      return caller.key.orgId;
    }
    if (org === undefined)
      throw new HttpError(400, "INVALID_INPUT", "query parameter org is required (an org id or slug)");
    return managedOrg(caller.principal, request, org);
  };

  const eventQuery = async (
    caller: AnalyticsCaller,
    request: Request,
    q: CommonQuery,
  ): Promise<EventQuery> => ({
    orgId: await readScope(caller, request, q.org),
    from: iso("from", q.from),
    to: iso("to", q.to),
    names: q.name
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    personId: q.person,
    distinctId: q.distinct_id,
    where: parseWhere(q.where),
  });
  const detail = (operationId: string, summary: string) => ({
    summary,
    operationId,
    ...access("ManageOrg", "org"),
  });

  const reads = new Elysia({ prefix: "/api/analytics", detail: { tags: ["analytics"] } })
    .use(analyticsAuth(d.resolvers, keys))
    .get(
      "/events",
      async ({ caller, query, request }) =>
        queries.events(await eventQuery(caller, request, query), query.limit ?? 100, query.cursor),
      {
        analyticsAuth: true,
        query: t.Object({
          ...Common,
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
          cursor: t.Optional(t.String({ maxLength: 300 })),
        }),
        response: t.Object({ items: t.Array(EventOutT), nextCursor: t.Nullable(t.String()) }),
        detail: detail("analytics.events", "Events by name, person, time and properties, newest first"),
      },
    )
    .get(
      "/trends",
      async ({ caller, query, request }) => {
        const q = await eventQuery(caller, request, query);
        const [trend, totals] = await Promise.all([
          queries.trends(q, query.interval ?? "day", query.breakdown),
          queries.totals(q),
        ]);
        return { ...trend, totals };
      },
      {
        analyticsAuth: true,
        query: t.Object({
          ...Common,
          interval: t.Optional(t.Union([t.Literal("hour"), t.Literal("day")])),
          /** A property key: one series per value (top 10, the rest as `$other`). */
          breakdown: t.Optional(t.String({ minLength: 1, maxLength: 200, pattern: '^[^"\\\\]+$' })),
        }),
        response: TrendsOut,
        detail: detail(
          "analytics.trends",
          "Events and unique persons per hour or day, optionally by a property",
        ),
      },
    )
    .get(
      "/funnel",
      async ({ caller, query, request }) => {
        const steps = query.steps
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        if (steps.length < 2 || steps.length > 10)
          throw new HttpError(
            400,
            "INVALID_INPUT",
            "query parameter steps: 2 to 10 comma-separated event names",
          );
        const q = await eventQuery(caller, request, query);
        return queries.funnel(q, steps, (query.window ?? 86_400) * 1000);
      },
      {
        analyticsAuth: true,
        query: t.Object({
          ...Common,
          steps: t.String({ minLength: 1, maxLength: 2200 }),
          /** Seconds from the first step within which the others must follow (default a day). */
          window: t.Optional(t.Integer({ minimum: 1, maximum: 90 * 86_400 })),
        }),
        response: FunnelOut,
        detail: detail("analytics.funnel", "Persons reaching each step in order within a window"),
      },
    )
    .get(
      "/export",
      async ({ caller, query, request }) => {
        const q = await eventQuery(caller, request, query);
        const format = query.format ?? "jsonl";
        return new Response(exportStream(queries, q, format), {
          headers: {
            "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
            "content-disposition": `attachment; filename="events.${format}"`,
          },
        });
      },
      {
        analyticsAuth: true,
        query: t.Object({ ...Common, format: t.Optional(t.Union([t.Literal("csv"), t.Literal("jsonl")])) }),
        detail: detail("analytics.export", "The matching events as CSV or JSONL, streamed, oldest first"),
      },
    );

  const KeyOut = t.Object({
    id: t.String(),
    orgId: t.String(),
    kind: t.String(),
    name: t.String(),
    createdBy: t.String(),
    createdAt: t.String(),
    revokedAt: t.Nullable(t.String()),
  });
  const manage = new Elysia({ prefix: "/api/analytics/keys", detail: { tags: ["analytics"] } })
    .use(authPlugin(d.resolvers))
    .post(
      "",
      async ({ principal, body, request, set }) => {
        const orgId = await managedOrg(principal, request, body.org);
        if (orgId === SERVER_SCOPE)
          throw new HttpError(400, "INVALID_INPUT", "keys belong to an org, not to _server");
        const k = await keys.create({ orgId, kind: body.kind, name: body.name, createdBy: principal.userId });
        await d.kit.audit(request, principal, {
          action: "analytics.key_create",
          targetType: "analytics_key",
          targetId: k.id,
          orgId,
          detail: { kind: k.kind },
        });
        set.status = 201;
        return k;
      },
      {
        auth: true,
        body: t.Object({
          org: t.String({ maxLength: 100 }),
          kind: t.Union(KEY_KINDS.map((k) => t.Literal(k)) as [ReturnType<typeof t.Literal<"write">>]),
          name: t.String({ minLength: 1, maxLength: 100 }),
        }),
        parse: "json",
        response: { 201: t.Composite([KeyOut, t.Object({ key: t.String() })]) },
        detail: {
          summary: "Create an analytics key (answered once)",
          operationId: "analytics.keys.create",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .get(
      "",
      async ({ principal, query, request }) => {
        const orgId = await managedOrg(principal, request, query.org);
        return { items: await keys.list(orgId) };
      },
      {
        auth: true,
        query: t.Object({ org: t.String({ maxLength: 100 }) }),
        response: t.Object({ items: t.Array(KeyOut) }),
        detail: {
          summary: "An org's analytics keys",
          operationId: "analytics.keys.list",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .delete(
      "/:id",
      async ({ principal, params, request, set }) => {
        const k = await keys.get(params.id);
        if (!k) throw new HttpError(404, "NOT_FOUND", `analytics key ${params.id} not found`);
        await managedOrg(principal, request, k.orgId);
        await keys.revoke(k.id);
        await d.kit.audit(request, principal, {
          action: "analytics.key_revoke",
          targetType: "analytics_key",
          targetId: k.id,
          orgId: k.orgId,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: t.Object({ id: t.String({ maxLength: 100 }) }),
        detail: {
          summary: "Revoke an analytics key",
          operationId: "analytics.keys.revoke",
          ...access("ManageOrg", "org"),
        },
      },
    );

  return new Elysia({ name: "loom.analytics.read" }).use(reads).use(manage);
}
