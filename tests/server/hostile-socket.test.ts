/**
 * Hostile conditions over a real socket: an upstream that drops the connection mid-stream (every
 * proxy route and both official SDKs must see an error, not a short answer), and bodies over the
 * limit in every shape (declared, chunked, mislabelled) answered with the JSON 413, not Bun's empty one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { LlmError } from "@loom/runtime/llm";
import { createProxyLlmClient } from "@loom/runtime/sync/proxy-client";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import OpenAI from "openai";
import { startDyingUpstream } from "./_dying-upstream.ts";
import { tempDir } from "./_helpers.ts";

const KEY = "sk-ant-dying-SECRET-0123456789";
let up: Awaited<ReturnType<typeof startDyingUpstream>>;
let server: RunningServer;
let token: string;
const logs: string[] = [];

beforeAll(async () => {
  up = await startDyingUpstream();
  server = await startServer({
    port: 0,
    dbPath: join(tempDir(), "server.db"),
    env: {
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: up.url,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: up.openaiUrl,
      LOOM_SERVER_MAX_BODY_BYTES: "1024",
    },
    logSink: (l) => logs.push(l),
  });
  token = createToken(server.db, { name: "alice" }).token;
});

afterAll(async () => {
  await server?.stop();
  await up?.stop();
});

const req = { model: "m-1", messages: [{ role: "user" as const, content: "hi" }] };

describe("an upstream that dies mid-stream", () => {
  test("/proxy/{provider}/stream ends with one SSE error event; the client raises a transient LlmError", async () => {
    for (const provider of ["anthropic", "openai"]) {
      const res = await fetch(`${server.url}/proxy/${provider}/stream`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(req),
      });
      const text = await res.text();
      const frames = text.trim().split("\n\n");
      expect(frames.at(-1)).toStartWith("event: error\ndata: ");
      expect(frames.filter((f) => f.startsWith("event: error"))).toHaveLength(1);
      expect(text).not.toContain(KEY);

      const llm = createProxyLlmClient({ serverUrl: server.url, token, provider });
      const e = await (async () => {
        for await (const _ of llm.stream(req)) {
          // drain
        }
      })().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LlmError);
      expect((e as LlmError).kind).toBe("transient");
    }
  });

  test("the official SDKs through the pass-through raise an error instead of a truncated answer", async () => {
    const anthropic = new Anthropic({
      baseURL: `${server.url}/proxy/anthropic`,
      apiKey: token,
      maxRetries: 0,
    });
    const e1 = await anthropic.messages
      .stream({ model: "claude-x", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .finalMessage()
      .catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(Anthropic.APIError);
    expect(String((e1 as Error).message)).toContain("upstream anthropic stream failed");

    const openai = new OpenAI({ baseURL: `${server.url}/proxy/openai/v1`, apiKey: token, maxRetries: 0 });
    const e2 = await (async () => {
      const stream = await openai.chat.completions.create({
        model: "gpt-x",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      });
      for await (const _ of stream) {
        // drain
      }
    })().catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(OpenAI.APIError);
    expect(String((e2 as Error).message)).toContain("upstream openai stream failed");
    expect(logs.join("\n")).not.toContain(KEY);
  });
});

describe("bodies a route cannot take, over a socket", () => {
  const id = "T-01a2143c-3cd3-77ca-a4d8-8412a43ed434";
  const routes = [
    ["POST", "/proxy/anthropic/complete"],
    ["PUT", `/api/threads/${id}`],
    ["POST", `/api/threads/${id}/visibility`],
    ["POST", "/proxy/openai/stream"],
    ["POST", "/proxy/anthropic/v1/messages"],
  ] as const;

  test("no credentials and no body (`curl -X PUT`) is 401, not 400", async () => {
    for (const [method, path] of routes) {
      const res = await fetch(`${server.url}${path}`, { method });
      expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 401`);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    }
  });

  test("JSON nested 100,000 levels is a 400 (not a 500, nor a transient 502 from the proxy)", async () => {
    // Inside a tool call's input, so everything else about the request is valid.
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const body = JSON.stringify({
      model: "m-1",
      messages: [{ role: "assistant", content: "", toolCalls: [{ id: "c", name: "x", input: 0 }] }],
    }).replace('"input":0', `"input":${deep}`);
    const big = await startServer({
      port: 0,
      dbPath: ":memory:",
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url },
      logSink: () => {},
    });
    try {
      const t = createToken(big.db, { name: "alice" }).token;
      for (const [method, path] of routes) {
        const res = await fetch(`${big.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${t}`, "content-type": "application/json" },
          body,
        });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 400`);
        expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
          "deeper than 128 levels",
        );
      }
    } finally {
      await big.stop();
    }
  });
});

describe("bodies over the limit over a socket", () => {
  const id = "T-01a2143c-3cd3-77ca-a4d8-8412a43ed434";
  const big = "x".repeat(5000);
  const chunked = () =>
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
  test.each([
    ["declared length, JSON", "application/json", () => big],
    ["declared length, text/plain", "text/plain", () => big],
    // Far over the limit (past where Bun's own check used to answer an empty 413 first).
    ["declared length, 3 MiB", "application/json", () => "x".repeat(3 * 1024 * 1024)],
    ["chunked, JSON", "application/json", chunked],
    ["chunked, form", "application/x-www-form-urlencoded", chunked],
  ] as const)("%s → JSON 413", async (_name, ct, body) => {
    const res = await fetch(`${server.url}/api/threads/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": ct },
      body: body(),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { code: "PAYLOAD_TOO_LARGE", message: "request body exceeds 1024 bytes" },
    });
  });
});

/** Machines without IPv6 loopback cannot run the IPv6 test; they skip it. */
const hasIpv6 = (() => {
  try {
    Bun.serve({ hostname: "::1", port: 0, fetch: () => new Response() }).stop(true);
    return true;
  } catch {
    return false;
  }
})();

describe("listening on IPv6", () => {
  test.skipIf(!hasIpv6)("the printed URL brackets the address and works", async () => {
    const v6 = await startServer({ host: "::1", port: 0, dbPath: ":memory:", env: {}, logSink: () => {} });
    try {
      expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect((await fetch(`${v6.url}/health`)).status).toBe(200);
    } finally {
      await v6.stop();
    }
  });
});
