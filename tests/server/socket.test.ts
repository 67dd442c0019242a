/**
 * The server over a real socket (port 0 on 127.0.0.1), with the real provider plugins talking to
 * the fake upstream: routes, SSE, client disconnects, request limits, and that the provider key
 * never shows in a response, a log line or the database.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LlmError, type LlmEvent } from "@loom/runtime/llm";
import { createProxyLlmClient } from "@loom/runtime/sync/proxy-client";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { startHangingUpstream } from "./_hanging-upstream.ts";
import { tempDir, thread } from "./_helpers.ts";

const ANTHROPIC_KEY = "sk-ant-test-SECRET-0123456789abcdef";
const OPENAI_KEY = "sk-proj-test-SECRET-fedcba9876543210";
const VERTEX_TOKEN = "ya29.vertex-test-SECRET-abcdef0123";

let up: FakeUpstream;
let server: RunningServer;
let token: string;
let dir: string;
const logs: string[] = [];
const bodies: string[] = [];

async function call(path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.auth !== false) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${server.url}${path}`, { ...init, headers });
  const text = await res.clone().text();
  const headerLines: string[] = [];
  res.headers.forEach((v, k) => {
    headerLines.push(`${k}: ${v}`);
  });
  bodies.push(headerLines.join("\n"), text);
  return res;
}

beforeAll(async () => {
  dir = tempDir();
  up = await startFakeUpstream({ script: { turns: [{ text: ["Hel", "lo"] }], onExhausted: "repeat" } });
  const keyFile = join(dir, "openai.key");
  await Bun.write(keyFile, `${OPENAI_KEY}\n`);
  server = await startServer({
    port: 0,
    dbPath: join(dir, "server.db"),
    env: {
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: up.url,
      OPENAI_API_KEY_FILE: keyFile,
      OPENAI_BASE_URL: up.openaiUrl,
      GOOGLE_CLOUD_PROJECT: "loom-test",
      GOOGLE_CLOUD_LOCATION: "us-central1",
      VERTEX_BASE_URL: up.url,
      VERTEX_ACCESS_TOKEN: VERTEX_TOKEN,
      LOOM_SERVER_MAX_BODY_BYTES: String(64 * 1024),
    },
    logSink: (line) => logs.push(line),
  });
  token = createToken(server.db, { name: "alice" }).token;
});

afterAll(async () => {
  await server?.stop();
  await up?.stop();
});

describe("server over a socket", () => {
  test("health lists the configured providers by name", async () => {
    const res = await call("/health", { auth: false });
    expect(await res.json()).toMatchObject({
      status: "ok",
      components: { providers: { configured: ["anthropic", "openai", "vertex"] } },
    });
  });

  test("threads: put, get, list, search, visibility, delete", async () => {
    const t = thread({ title: "socket thread", git: { branch: "feat/socket" } });
    const put = await call(`/api/threads/${t.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(t),
    });
    expect(put.status).toBe(201);
    expect(((await (await call(`/api/threads/${t.id}`)).json()) as { title: string }).title).toBe(
      "socket thread",
    );
    const list = (await (await call("/api/threads?limit=5")).json()) as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(t.id);
    const hits = (await (await call("/api/threads/search?q=socket")).json()) as { items: { id: string }[] };
    expect(hits.items[0]?.id).toBe(t.id);
    const vis = await call(`/api/threads/${t.id}/visibility`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ visibility: "public" }),
    });
    expect(((await vis.json()) as { version: number }).version).toBe(2);
    expect((await call(`/api/threads/${t.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await call(`/api/threads/${t.id}`)).status).toBe(404);
  });

  test("the proxy LlmClient streams and completes through the provider plugins, for every provider", async () => {
    for (const [provider, model] of [
      ["anthropic", "claude-sonnet-4-6"],
      ["openai", "gpt-4o"],
      ["vertex", "gemini-2.5-pro"],
    ] as const) {
      const llm = createProxyLlmClient({ serverUrl: server.url, token, provider });
      const events: LlmEvent[] = [];
      for await (const e of llm.stream({ model, messages: [{ role: "user", content: "hi" }] }))
        events.push(e);
      const text = events.flatMap((e) => (e.type === "text.delta" ? [e.text] : [])).join("");
      expect(text).toBe("Hello");
      expect(events.at(-1)?.type).toBe("completed");
      const res = await llm.complete({ model, messages: [{ role: "user", content: "hi" }] });
      expect(res.message.content).toBe("Hello");
    }
    const sent = up.requests.find((r) => r.provider === "anthropic");
    expect([sent?.headers["x-api-key"], sent?.headers.authorization]).toContainAnyValues([
      ANTHROPIC_KEY,
      `Bearer ${ANTHROPIC_KEY}`,
    ]);
    const usage = server.db.$client
      .query<{ provider: string; requests: number }, []>(
        "SELECT provider, requests FROM usage ORDER BY provider",
      )
      .all();
    expect(usage.map((u) => u.provider)).toEqual(["anthropic", "openai", "vertex"]);
    const vertexSent = up.requests.find((r) => r.provider === "vertex");
    expect(vertexSent?.headers.authorization).toBe(`Bearer ${VERTEX_TOKEN}`);
  });

  test("an upstream 429 comes back as rate_limited with its retry-after", async () => {
    up.setScript({
      turns: [{ error: { status: 429, message: "slow down", headers: { "retry-after": "7" } } }],
      onExhausted: "repeat",
    });
    try {
      const llm = createProxyLlmClient({ serverUrl: server.url, token, provider: "anthropic" });
      const e = await llm
        .complete({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] })
        .catch((x) => x);
      expect(e).toBeInstanceOf(LlmError);
      expect(e).toMatchObject({ kind: "rate_limited", retryAfterMs: 7000 });
    } finally {
      up.setScript({ turns: [{ text: ["Hel", "lo"] }], onExhausted: "repeat" });
    }
  });

  test("oversized bodies are refused with 413 JSON", async () => {
    const t = thread({ messages: [{ role: "user", content: "x".repeat(100 * 1024) }] });
    const res = await call(`/api/threads/${t.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(t),
    });
    expect(res.status).toBe(413);
  });

  test("unknown routes and bad tokens answer JSON errors", async () => {
    const nf = await call("/api/no/such/route"); // other GET paths are the web UI's
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const bad = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: "Bearer lt_wrong" } });
    expect(bad.status).toBe(401);
  });
});

describe("client disconnect", () => {
  test("cancels the upstream request, for the proxy stream and the SDK pass-through", async () => {
    const hanging = await startHangingUpstream();
    const s = await startServer({
      port: 0,
      dbPath: join(tempDir(), "server.db"),
      env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: hanging.url },
      logSink: () => {},
    });
    const tok = createToken(s.db, { name: "bob" }).token;
    try {
      // 1. /proxy/anthropic/stream through the LlmClient: abort after the first event.
      const llm = createProxyLlmClient({ serverUrl: s.url, token: tok, provider: "anthropic" });
      const ac = new AbortController();
      const first: LlmEvent[] = [];
      await (async () => {
        for await (const e of llm.stream(
          { model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] },
          ac.signal,
        )) {
          first.push(e);
          ac.abort();
        }
      })().catch(() => undefined);
      expect(first.length).toBe(1);
      for (let i = 0; i < 200 && hanging.aborted < 1; i++) await Bun.sleep(10);
      expect(hanging.aborted).toBe(1);

      // 2. The SDK pass-through: read the first bytes, then drop the connection.
      const ac2 = new AbortController();
      const res = await fetch(`${s.url}/proxy/anthropic/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": tok, "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 10,
          stream: true,
          messages: [{ role: "user", content: "hi" }],
        }),
        signal: ac2.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      ac2.abort();
      for (let i = 0; i < 200 && hanging.aborted < 2; i++) await Bun.sleep(10);
      expect(hanging.aborted).toBe(2);
      expect(hanging.started).toBe(2);
    } finally {
      await s.stop();
      await hanging.stop();
    }
  });
});

describe("provider keys never leak", () => {
  test("not in any response body, log line or database row", async () => {
    // Force an upstream error that quotes the key back, as real providers sometimes do.
    up.setScript({
      turns: [
        {
          error: {
            status: 401,
            message: `invalid x-api-key ${ANTHROPIC_KEY}`,
            // Some gateways echo what they were sent in a debug header.
            headers: { "x-debug-received-key": ANTHROPIC_KEY },
          },
        },
      ],
      onExhausted: "repeat",
    });
    try {
      const llm = createProxyLlmClient({ serverUrl: server.url, token, provider: "anthropic" });
      const e = (await llm
        .complete({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] })
        .catch((x) => x)) as LlmError;
      expect(e.kind).toBe("permanent");
      bodies.push(e.message);
      const pass = await call("/proxy/anthropic/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 5,
          messages: [{ role: "user", content: "hi" }],
        }),
      });
      expect(pass.status).toBe(401);
      // The same failure as an SSE error event on /stream.
      const stream = await call("/proxy/anthropic/stream", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(await stream.text()).toStartWith("event: error\n");
      await call("/api/openapi.json", { auth: false });
      await call("/metrics", { auth: false });
      await call("/health", { auth: false });
    } finally {
      up.setScript({ turns: [{ text: ["Hel", "lo"] }], onExhausted: "repeat" });
    }
    server.db.$client.run("PRAGMA wal_checkpoint(FULL)");
    const dbBytes = readFileSync(join(dir, "server.db")).toString("latin1");
    const everything = [...bodies, ...logs, dbBytes].join("\n");
    expect(bodies.length).toBeGreaterThan(10);
    expect(logs.some((l) => l.includes("proxy.failed"))).toBe(true);
    for (const key of [
      ANTHROPIC_KEY,
      OPENAI_KEY,
      VERTEX_TOKEN,
      ANTHROPIC_KEY.slice(0, 16),
      OPENAI_KEY.slice(-16),
    ]) {
      expect(everything.includes(key)).toBe(false);
    }
    expect(everything.includes(token)).toBe(false);
  });
});
