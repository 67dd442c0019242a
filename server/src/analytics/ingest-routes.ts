/**
 * `POST /api/analytics/{capture,batch,identify,alias,set}`: with an analytics key (write or rw) into
 * its org; with a signed-in principal into the server's own scope (`_server`, Loom's product events),
 * where `distinct_id` is always the caller's user id. Limits: event name ≤ 200 characters (400),
 * properties ≤ 1 MiB as JSON (413), at most 10,000 events per batch.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import { type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import type { Analytics } from "./analytics.ts";
import { type AnalyticsCaller, analyticsAuth, SERVER_SCOPE } from "./caller.ts";
import { type EventRow, MergeRefusedError } from "./store.ts";

export const MAX_EVENT_NAME = 200;
export const MAX_PROPERTIES_BYTES = 1024 * 1024;
export const MAX_BATCH = 10_000;

const Id = t.String({ minLength: 1, maxLength: 200 });
const Props = t.Record(t.String(), t.Unknown());
const Event = t.Object({
  event: t.String({ minLength: 1, maxLength: MAX_EVENT_NAME }),
  distinct_id: Id,
  properties: t.Optional(Props),
  /** ISO 8601; default: when the server received it. */
  timestamp: t.Optional(t.String({ maxLength: 40 })),
  /** Makes a retried send idempotent (the same uuid is stored once); default: a new UUIDv7. */
  uuid: t.Optional(t.String({ format: "uuid" })),
});
type EventIn = typeof Event.static;
const Accepted = t.Object({ accepted: t.Integer(), duplicates: t.Integer() });
const PersonOut = t.Object({ personId: t.String(), merged: t.Nullable(t.String()) });

/** Where the caller's events go, and the distinct id a principal must use. */
function target(caller: AnalyticsCaller): { orgId: string; forcedId?: string } {
  if (caller.kind === "key") return { orgId: caller.key.orgId };
  const p = caller.principal;
  const d = can(subjectOf(p), "Write", { type: "server" });
  if (!d.allow || p.via === "apikey")
    throw new HttpError(403, "FORBIDDEN", "org API keys cannot send analytics: use an analytics key");
  return { orgId: SERVER_SCOPE, forcedId: p.userId };
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isRealDay(ts: string): boolean {
  const ms = Date.parse(ts);
  return !Number.isNaN(ms) && new Date(ms).getUTCDate() === Number(ts.slice(8, 10));
}

function toRow(e: EventIn, index: number, now: string, forcedId?: string): EventRow {
  const properties = JSON.stringify(e.properties ?? {});
  // JSON text is mostly ASCII: the length bounds the bytes from below, so most events skip the count.
  if (properties.length * 3 > MAX_PROPERTIES_BYTES) {
    const bytes = Buffer.byteLength(properties);
    if (bytes > MAX_PROPERTIES_BYTES)
      throw new HttpError(
        413,
        "PAYLOAD_TOO_LARGE",
        `event ${index}: properties are ${bytes} bytes as JSON, over the limit of ${MAX_PROPERTIES_BYTES}`,
      );
  }
  let timestamp = now;
  // Already canonical (what SDKs and Loom send) and a real day (not 2026-02-31): kept as is.
  if (e.timestamp !== undefined && CANONICAL.test(e.timestamp) && isRealDay(e.timestamp))
    timestamp = e.timestamp;
  else if (e.timestamp !== undefined) {
    const ms = /^\d{4}-\d{2}-\d{2}T/.test(e.timestamp) ? Date.parse(e.timestamp) : Number.NaN;
    if (Number.isNaN(ms))
      throw new HttpError(
        400,
        "INVALID_INPUT",
        `event ${index}: timestamp ${JSON.stringify(e.timestamp)} is not ISO 8601`,
      );
    timestamp = new Date(ms).toISOString();
  }
  return {
    id: e.uuid?.toLowerCase() ?? Bun.randomUUIDv7(),
    name: e.event,
    distinctId: forcedId ?? e.distinct_id,
    timestamp,
    properties,
  };
}

/** A refused merge is the caller's fault: 403 with the reason. */
async function mergeOrRefuse<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof MergeRefusedError) throw new HttpError(403, "FORBIDDEN", e.message);
    throw e;
  }
}

export function analyticsIngestRoutes(d: {
  analytics: Analytics;
  resolvers: PrincipalResolver[];
  clock: () => Date;
}) {
  const { store } = d.analytics;
  const ingest = async (caller: AnalyticsCaller, events: EventIn[]) => {
    const { orgId, forcedId } = target(caller);
    const now = d.clock().toISOString();
    const rows = events.map((e, i) => toRow(e, i, now, forcedId));
    const { inserted } = await store.insertEvents(orgId, rows);
    return { accepted: inserted, duplicates: rows.length - inserted };
  };
  const tag = (operationId: string, summary: string) => ({
    summary,
    operationId,
    ...access("Write", "server"),
  });

  return new Elysia({ prefix: "/api/analytics", detail: { tags: ["analytics"] } })
    .use(analyticsAuth(d.resolvers, d.analytics.keys))
    .post("/capture", ({ caller, body }) => ingest(caller, [body]), {
      analyticsAuth: true,
      body: Event,
      parse: "json",
      response: Accepted,
      detail: tag("analytics.capture", "Send one event"),
    })
    .post("/batch", ({ caller, body }) => ingest(caller, body.batch), {
      analyticsAuth: true,
      body: t.Object({ batch: t.Array(Event, { minItems: 1, maxItems: MAX_BATCH }) }),
      parse: "json",
      response: Accepted,
      detail: tag("analytics.batch", "Send up to 10,000 events in one transaction"),
    })
    .post(
      "/identify",
      ({ caller, body }) => {
        const { orgId, forcedId } = target(caller);
        return mergeOrRefuse(
          store.identify(orgId, forcedId ?? body.distinct_id, body.anon_distinct_id, {
            set: body.set,
            setOnce: body.set_once,
            protectIdentified: forcedId !== undefined,
          }),
        );
      },
      {
        analyticsAuth: true,
        body: t.Object({
          distinct_id: Id,
          anon_distinct_id: t.Optional(Id),
          set: t.Optional(Props),
          set_once: t.Optional(Props),
        }),
        parse: "json",
        response: PersonOut,
        detail: tag("analytics.identify", "Name a person; an anonymous id's events join it"),
      },
    )
    .post(
      "/alias",
      ({ caller, body }) => {
        const { orgId, forcedId } = target(caller);
        return mergeOrRefuse(
          store.alias(orgId, forcedId ?? body.distinct_id, body.alias, forcedId !== undefined),
        );
      },
      {
        analyticsAuth: true,
        body: t.Object({ distinct_id: Id, alias: Id }),
        parse: "json",
        response: PersonOut,
        detail: tag("analytics.alias", "Two distinct ids are one person"),
      },
    )
    .post(
      "/set",
      ({ caller, body }) => {
        const { orgId, forcedId } = target(caller);
        return store.set(orgId, forcedId ?? body.distinct_id, { set: body.set, setOnce: body.set_once });
      },
      {
        analyticsAuth: true,
        body: t.Object({ distinct_id: Id, set: t.Optional(Props), set_once: t.Optional(Props) }),
        parse: "json",
        response: PersonOut,
        detail: tag("analytics.set", "Set person properties"),
      },
    );
}
