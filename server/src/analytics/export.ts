/**
 * Streamed exports: the matching events oldest first, read a page (1,000) at a time by keyset, so an
 * export of millions of events holds one page in memory. CSV (RFC 4180; a cell starting with `=`, `+`,
 * `-`, `@`, tab or CR gets a leading `'` so a spreadsheet does not run it as a formula) or JSONL.
 */
import type { EventQuery } from "./filters.ts";
import type { AnalyticsQueries, EventOut } from "./query.ts";

export const EXPORT_PAGE = 1000;
const CSV_HEADER = "id,timestamp,name,distinct_id,person_id,properties\r\n";

export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function line(format: "csv" | "jsonl", e: EventOut): string {
  if (format === "jsonl") return `${JSON.stringify(e)}\n`;
  return `${[e.id, e.timestamp, e.name, e.distinctId, e.personId, JSON.stringify(e.properties)].map(csvCell).join(",")}\r\n`;
}

export function exportStream(
  queries: AnalyticsQueries,
  q: EventQuery,
  format: "csv" | "jsonl",
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      let out = "";
      if (!started && format === "csv") out += CSV_HEADER;
      started = true;
      const page = await queries.events(q, EXPORT_PAGE, cursor, "asc");
      for (const e of page.items) out += line(format, e);
      if (out) ctl.enqueue(enc.encode(out));
      if (!page.nextCursor) ctl.close();
      else cursor = page.nextCursor;
    },
  });
}
