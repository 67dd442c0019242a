/**
 * Reading analytics (rw key or org admin): events by name/person/time with property filters, counts
 * per hour or day (events and unique persons, optionally broken down by a property), totals, funnels,
 * and pages for the streamed exports. One implementation over `SqlRunner` for both databases.
 */
import type { SqlRunner } from "../db/sql-runner.ts";
import { type EventQuery, fromWhere, propText } from "./filters.ts";
import { countFunnel, type FunnelRow } from "./funnel.ts";

export interface EventOut {
  id: string;
  name: string;
  distinctId: string;
  personId: string;
  timestamp: string;
  properties: Record<string, unknown>;
}

export type Interval = "hour" | "day";
const BUCKET_LEN: Record<Interval, number> = { hour: 13, day: 10 };
const STEP_MS: Record<Interval, number> = { hour: 3_600_000, day: 86_400_000 };
/** A trend answers at most this many buckets (the range is cut at its start). */
export const MAX_BUCKETS = 2000;
/** Breakdown values shown on their own; the rest are summed as `$other`. */
export const MAX_BREAKDOWN = 10;
export const NONE_LABEL = "(none)";
export const OTHER_LABEL = "$other";

interface RawEvent {
  id: string;
  name: string;
  distinctId: string;
  personId: string;
  timestamp: string;
  properties: string;
}

const EVENT_COLS = `e.id, e.name, e.distinct_id AS "distinctId", m.person_id AS "personId", e.timestamp, e.properties`;

/** Bucket start as an ISO instant (`2026-12-03T14` → `2026-12-03T14:00:00.000Z`). */
function bucketInstant(b: string, interval: Interval): string {
  return interval === "hour" ? `${b}:00:00.000Z` : `${b}T00:00:00.000Z`;
}

function bucketsBetween(first: string, last: string, interval: Interval): string[] {
  const step = STEP_MS[interval];
  const start = Date.parse(first);
  const end = Date.parse(last);
  const n = Math.min(MAX_BUCKETS, Math.floor((end - start) / step) + 1);
  const from = end - (n - 1) * step;
  return Array.from({ length: Math.max(n, 0) }, (_, i) => new Date(from + i * step).toISOString());
}

/** The bucket an instant falls in, as an ISO instant. */
function floorTo(iso: string, interval: Interval): string {
  return bucketInstant(iso.slice(0, BUCKET_LEN[interval]), interval);
}

export function createAnalyticsQueries(db: SqlRunner) {
  const dialect = db.dialect;

  /** Newest first; `cursor` is the last item's `timestamp|id` (keyset, stable under inserts). */
  async function events(q: EventQuery, limit: number, cursor?: string, order: "asc" | "desc" = "desc") {
    const [fw, params] = fromWhere(dialect, q);
    let extra = "";
    const p = [...params];
    if (cursor) {
      const bar = cursor.indexOf("|");
      const [ts, id] = [cursor.slice(0, bar), cursor.slice(bar + 1)];
      const cmp = order === "desc" ? "<" : ">";
      extra = ` AND (e.timestamp ${cmp} ? OR (e.timestamp = ? AND e.id ${cmp} ?))`;
      p.push(ts, ts, id);
    }
    const dir = order === "desc" ? "DESC" : "ASC";
    const rows = await db.all<RawEvent>(
      `SELECT ${EVENT_COLS} ${fw}${extra} ORDER BY e.timestamp ${dir}, e.id ${dir} LIMIT ?`,
      [...p, limit + 1],
    );
    const items: EventOut[] = rows.slice(0, limit).map((r) => ({
      ...r,
      properties: JSON.parse(r.properties) as Record<string, unknown>,
    }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? `${last.timestamp}|${last.id}` : null };
  }

  async function totals(q: EventQuery) {
    const [fw, params] = fromWhere(dialect, q);
    const r = await db.get<{ events: unknown; persons: unknown }>(
      `SELECT count(*) AS events, count(DISTINCT m.person_id) AS persons ${fw}`,
      params,
    );
    return { events: Number(r?.events ?? 0), persons: Number(r?.persons ?? 0) };
  }

  /** Events and unique persons per bucket, one series per breakdown value (or one, `label` = "all"). */
  async function trends(q: EventQuery, interval: Interval, breakdown?: string) {
    const [fw, params] = fromWhere(dialect, q);
    const len = BUCKET_LEN[interval];
    const [label, lp] = breakdown ? propText(dialect, breakdown) : ["'all'", []];
    const rows = await db.all<{ bucket: string; label: string | null; events: unknown; persons: unknown }>(
      `SELECT substr(e.timestamp, 1, ${len}) AS bucket, ${label} AS label, count(*) AS events,
              count(DISTINCT m.person_id) AS persons
         ${fw} GROUP BY 1, 2 ORDER BY 1`,
      [...lp, ...params],
    );
    const byLabel = new Map<string, number>();
    for (const r of rows) {
      const l = r.label ?? NONE_LABEL;
      byLabel.set(l, (byLabel.get(l) ?? 0) + Number(r.events));
    }
    const top = [...byLabel.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_BREAKDOWN)
      .map(([l]) => l);
    const kept = new Set(top);
    const first = q.from ? floorTo(q.from, interval) : rows[0] && bucketInstant(rows[0].bucket, interval);
    const lastRow = rows.at(-1);
    const last = q.to
      ? floorTo(new Date(Date.parse(q.to) - 1).toISOString(), interval)
      : lastRow && bucketInstant(lastRow.bucket, interval);
    const buckets = first && last ? bucketsBetween(first, last, interval) : [];
    const index = new Map(buckets.map((b, i) => [b, i]));
    const labels = byLabel.size > top.length ? [...top, OTHER_LABEL] : top;
    const series = labels.map((l) => ({
      label: l,
      points: buckets.map((b) => ({ bucket: b, events: 0, persons: 0 })),
    }));
    const seriesOf = new Map(series.map((s) => [s.label, s]));
    for (const r of rows) {
      const l = r.label ?? NONE_LABEL;
      const s = seriesOf.get(kept.has(l) ? l : OTHER_LABEL);
      const i = index.get(bucketInstant(r.bucket, interval));
      const pt = s && i !== undefined ? s.points[i] : undefined;
      if (!pt) continue;
      pt.events += Number(r.events);
      // Persons of `$other` are summed over its values: an upper bound, said in the spec.
      pt.persons += Number(r.persons);
    }
    return { interval, breakdown: breakdown ?? null, series };
  }

  async function funnel(q: EventQuery, steps: string[], windowMs: number) {
    const [fw, params] = fromWhere(dialect, { ...q, names: [...new Set(steps)] });
    const rows = await db.all<{ personId: string; name: string; timestamp: string }>(
      `SELECT m.person_id AS "personId", e.name, e.timestamp ${fw} ORDER BY m.person_id, e.timestamp, e.id`,
      params,
    );
    const reached = countFunnel(
      rows.map((r): FunnelRow => ({ personId: r.personId, name: r.name, at: Date.parse(r.timestamp) })),
      steps,
      windowMs,
    );
    const start = reached[0] ?? 0;
    return {
      windowSeconds: windowMs / 1000,
      steps: steps.map((name, i) => ({
        name,
        persons: reached[i] ?? 0,
        conversion: start === 0 ? 0 : (reached[i] ?? 0) / start,
      })),
    };
  }

  return { events, totals, trends, funnel };
}

export type AnalyticsQueries = ReturnType<typeof createAnalyticsQueries>;
