/**
 * Several `loom serve` replicas (real child processes) on one PostgreSQL database: migrations applied
 * once, the If-Match check, rate limits and usage hold across replicas, thread events fan out through
 * LISTEN/NOTIFY, and a replica killed mid-write loses nothing it acknowledged.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Thread } from "@loom/runtime/thread";
import { BUNDLED_PG_MIGRATIONS } from "@loom/server/pg-migrations";
import { createTestDatabase, usePgCluster } from "@loom/server/pg-test-cluster";
import { createPgTokenStore } from "@loom/server/pg-tokens";
import { sampleThread } from "@loom/server/test-helpers";
import { type Replica, startReplica } from "./_replica.ts";

usePgCluster();

let upstream: ReturnType<typeof Bun.serve>;
let dbUrl: string;
let sql: Bun.SQL;
let a: Replica;
let b: Replica;
let alice: string;
const replicas: Replica[] = [];
let env: Record<string, string>;

const put = (r: Replica, t: Thread, ifMatch?: number) =>
  fetch(`${r.url}/api/threads/${t.id}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${alice}`,
      "content-type": "application/json",
      ...(ifMatch === undefined ? {} : { "if-match": String(ifMatch) }),
    },
    body: JSON.stringify(t),
  });

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () =>
      Response.json({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [{ type: "text", text: "ok" }],
        stop_reason: "end_turn",
        usage: { input_tokens: 3, output_tokens: 2 },
      }),
  });
  env = {
    ANTHROPIC_API_KEY: "sk-ant-replica-test-0123456789",
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${upstream.port}`,
  };
  dbUrl = await createTestDatabase({ empty: true });
  // Two replicas starting at once on an empty database.
  [a, b] = await Promise.all([startReplica(dbUrl, env), startReplica(dbUrl, env)]);
  replicas.push(a, b);
  sql = new Bun.SQL(dbUrl, { max: 4 });
  alice = (await createPgTokenStore(sql).create({ name: "alice" })).token;
}, 120_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.kill()));
  await sql?.close();
  await upstream?.stop(true);
});

describe("two replicas on one Postgres database", () => {
  test("starting together on an empty database, the migrations are applied once, by one of them", async () => {
    const rows: { name: string }[] = await sql`SELECT name FROM _migrations ORDER BY name`;
    const all = Object.keys(BUNDLED_PG_MIGRATIONS).sort();
    expect(rows.map((r) => r.name)).toEqual(all);
    const migrated = [a, b].map((r) => r.logs.filter((l) => l.event === "db.migrated"));
    expect(migrated.map((m) => m.length).sort()).toEqual([0, 1]);
    expect(migrated.flat()[0]?.applied).toEqual(all);
  });

  test("50 concurrent If-Match writers spread across both replicas: exactly one wins", async () => {
    const t = sampleThread({ title: "race" });
    expect((await put(a, t)).status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const res = await put(i % 2 ? a : b, { ...t, title: `writer ${i}` }, 1);
        return { i, status: res.status };
      }),
    );
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(49);
    const got = (await (
      await fetch(`${b.url}/api/threads/${t.id}`, { headers: { authorization: `Bearer ${alice}` } })
    ).json()) as Thread;
    expect(got.version).toBe(2);
    expect(got.title).toBe(`writer ${won[0]?.i}`);
  });

  test("a rate limit of N requests/min holds across both replicas, and usage adds up in one row", async () => {
    const limited = (
      await createPgTokenStore(sql).create({ name: "limited", userId: "lim", rateLimitPerMinute: 5 })
    ).token;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${(i % 2 ? a : b).url}/proxy/anthropic/v1/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${limited}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 10,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    // Usage is written just after each answer, by whichever replica served it: wait for the sum.
    let rows: { requests: string; input: string }[] = [];
    for (let i = 0; i < 200; i++) {
      rows = await sql`SELECT requests, input_tokens AS input FROM usage WHERE user_id = 'lim'`;
      if (Number(rows[0]?.requests) === 5) break;
      await Bun.sleep(10);
    }
    expect(rows.map((r) => [Number(r.requests), Number(r.input)])).toEqual([[5, 15]]);
  });

  test("a client subscribed on replica A sees a write through replica B within 1 s", async () => {
    const ac = new AbortController();
    const res = await fetch(`${a.url}/api/threads/events`, {
      headers: { authorization: `Bearer ${alice}` },
      signal: ac.signal,
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const dec = new TextDecoder();
    let text = "";
    /** Reads the stream until `want` is in it (bounded by the stream itself and the caller's race). */
    const until = async (want: string) => {
      while (!text.includes(want)) {
        const { value, done } = await reader.read();
        if (done) return false;
        text += dec.decode(value, { stream: true });
      }
      return true;
    };
    // The stream's first bytes (a comment) mean the subscription is in place.
    expect(await until(": subscribed")).toBe(true);
    const t = sampleThread({ title: "fan-out" });
    expect((await put(b, t)).status).toBe(201);
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 1000));
    expect(await Promise.race([until(`"id":"${t.id}"`), timeout])).toBe(true);
    const event = text.slice(text.indexOf("event: thread.updated"));
    expect(event).toStartWith(`event: thread.updated\ndata: {"id":"${t.id}","version":1,`);
    ac.abort();
  });

  test("a replica killed (SIGKILL) mid-write loses no acknowledged write", async () => {
    const c = await startReplica(dbUrl, env);
    replicas.push(c);
    const threads = Array.from({ length: 4 }, () => sampleThread({ title: "v0" }));
    const acked = new Map<string, { version: number; title: string }>();
    let acks = 0;
    let killed: Promise<void> | undefined;
    const writer = async (t: Thread) => {
      let version: number | undefined;
      for (let n = 1; n <= 500; n++) {
        const title = `v${n}`;
        let res: Response;
        try {
          res = await put(c, { ...t, title }, version);
        } catch {
          return; // the replica is gone
        }
        if (res.status !== 200 && res.status !== 201) return;
        version = ((await res.json()) as { version: number }).version;
        acked.set(t.id, { version, title });
        if (++acks === 40) killed = c.kill(); // while the other writers are mid-request
      }
    };
    await Promise.all(threads.map(writer));
    await killed;
    expect(c.proc.signalCode).toBe("SIGKILL");
    expect(acked.size).toBe(4);
    for (const t of threads) {
      const want = acked.get(t.id);
      const rows: { version: string; title: string }[] =
        await sql`SELECT version, title FROM threads WHERE id = ${t.id}`;
      const got = { version: Number(rows[0]?.version), title: rows[0]?.title };
      // The acknowledged write is there; at most one more (committed, its answer lost) after it.
      expect(got.version).toBeGreaterThanOrEqual(want?.version ?? 1);
      expect(got.version).toBeLessThanOrEqual((want?.version ?? 0) + 1);
      if (got.version === want?.version) expect(got.title).toBe(want.title);
    }
  });
});
