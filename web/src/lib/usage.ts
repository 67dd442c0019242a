/**
 * The usage page's arithmetic, apart from Vue: per-day series for the chart (every day of the range,
 * zero-filled; the largest groups named, the rest as "Other"), totals per user or model for the
 * tables, and the CSV export.
 */
import type { GetResult } from "../api/client.ts";

export type UsageItem = GetResult<"/api/usage/report">["items"][number];
export type GroupBy = "model" | "user";
export type Metric = "cost" | "tokens" | "requests";

export interface Series {
  label: string;
  data: number[];
}

export const metricOf = (i: UsageItem, m: Metric): number =>
  m === "cost" ? (i.costUsd ?? 0) : m === "tokens" ? i.inputTokens + i.outputTokens : i.requests;

export const groupOf = (i: UsageItem, by: GroupBy): string => (by === "model" ? i.model : i.user);

/** `from`..`to` inclusive, as YYYY-MM-DD (UTC). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** One series per group (the `max - 1` largest by total, the others summed as "Other"), one point per day. */
export function dailySeries(
  items: UsageItem[],
  o: { from: string; to: string; by: GroupBy; metric: Metric; max?: number },
): { labels: string[]; series: Series[] } {
  const labels = daysBetween(o.from, o.to);
  const dayIndex = new Map(labels.map((d, i) => [d, i]));
  const ranked = totals(items, o.by)
    .map((t) => ({ group: t.group, v: totalOf(t, o.metric) }))
    .sort((a, b) => b.v - a.v || a.group.localeCompare(b.group));
  const max = o.max ?? 8;
  const named = ranked.length > max ? ranked.slice(0, max - 1) : ranked;
  const keep = new Set(named.map((r) => r.group));
  const series = new Map<string, number[]>(named.map((r) => [r.group, labels.map(() => 0)]));
  if (ranked.length > named.length)
    series.set(
      "Other",
      labels.map(() => 0),
    );
  for (const i of items) {
    const d = dayIndex.get(i.day);
    const g = groupOf(i, o.by);
    const s = series.get(keep.has(g) ? g : "Other");
    if (d === undefined || !s) continue;
    s[d] = round((s[d] ?? 0) + metricOf(i, o.metric));
  }
  return { labels, series: [...series].map(([label, data]) => ({ label, data })) };
}

export interface Total {
  group: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Some of its rows are of a model without a known price (their cost is not in `costUsd`). */
  unpriced: boolean;
}

const totalOf = (t: Total, m: Metric): number =>
  m === "cost" ? t.costUsd : m === "tokens" ? t.inputTokens + t.outputTokens : t.requests;

/** Totals per user or model, largest cost first (then most tokens). */
export function totals(items: UsageItem[], by: GroupBy): Total[] {
  const m = new Map<string, Total>();
  for (const i of items) {
    const g = groupOf(i, by);
    const t = m.get(g) ?? {
      group: g,
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      unpriced: false,
    };
    t.requests += i.requests;
    t.inputTokens += i.inputTokens;
    t.outputTokens += i.outputTokens;
    t.costUsd = round(t.costUsd + (i.costUsd ?? 0));
    t.unpriced ||= i.costUsd === null;
    m.set(g, t);
  }
  return [...m.values()].sort(
    (a, b) =>
      b.costUsd - a.costUsd ||
      b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) ||
      a.group.localeCompare(b.group),
  );
}

/** Cost sums without float dust (0.1 + 0.2). */
const round = (n: number) => Math.round(n * 1e9) / 1e9;

const CSV_HEADER = [
  "day",
  "user",
  "user_id",
  "provider",
  "model",
  "requests",
  "input_tokens",
  "output_tokens",
  "cost_usd",
];

/**
 * RFC 4180 CSV (CRLF, quotes doubled). A text cell a spreadsheet would run as a formula (= + - @,
 * tab, CR) gets a leading `'`: user names come from sign-in providers. An unknown cost is empty.
 */
export function usageCsv(items: UsageItem[]): string {
  const cell = (v: string | number | null): string => {
    if (v === null) return "";
    if (typeof v === "number") return String(v);
    const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [CSV_HEADER.join(",")];
  for (const i of items)
    lines.push(
      [i.day, i.user, i.userId, i.provider, i.model, i.requests, i.inputTokens, i.outputTokens, i.costUsd]
        .map(cell)
        .join(","),
    );
  return `${lines.join("\r\n")}\r\n`;
}

export const formatUsd = (n: number) =>
  n === 0
    ? "$0"
    : n < 0.01
      ? `$${n.toFixed(4)}`
      : `$${n.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 })}`;

export const formatInt = (n: number) => n.toLocaleString("en-US");

export function formatMetric(n: number, m: Metric): string {
  return m === "cost" ? formatUsd(n) : formatInt(n);
}
