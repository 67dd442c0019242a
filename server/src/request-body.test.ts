/**
 * What every route does with a body it cannot take: without credentials the answer is 401 whatever
 * was sent (no body, an empty one, broken or deeply nested JSON); with them, a one-line 400.
 */
import { describe, expect, test } from "bun:test";
import type { LlmClient, LlmRequest } from "@loom/runtime/llm";
import { Secret } from "@loom/runtime/secret";
import { forEachBackend, type TestApp, type TestAppOptions } from "./_backends.ts";
import { sampleThread } from "./_test-helpers.ts";
import { MAX_JSON_DEPTH } from "./json-depth.ts";
import type { Upstream } from "./proxy/keys.ts";

const ID = "T-00000000-0000-0000-0000-000000000000";
const PUBLIC = new Set([
  "/health",
  "/metrics",
  "/api/openapi.json",
  "/api/docs",
  // Sign-in: open by nature (each refuses a bad body with 400; tested in auth/ and tests/server).
  "/api/auth/device/code",
  "/api/auth/device/token",
  "/api/auth/magic-link",
  "/api/auth/magic-link/",
  "/api/auth/magic-link/verify",
  "/api/auth/providers",
  "/api/auth/oauth/:name/start",
  "/api/auth/oauth/:name/callback",
  // A share link's token is its credential (GET only; tested in threads/share.test.ts).
  "/api/shared/:token",
]);

/** A provider that serialises what it is sent, as every SDK does, and counts its calls. */
function serialisingProvider() {
  let calls = 0;
  const client: LlmClient = {
    provider: "anthropic",
    async complete(request) {
      calls++;
      JSON.stringify(request);
      return {
        model: request.model,
        message: { role: "assistant", content: "ok" },
        usage: { inputTokens: 1, outputTokens: 1 },
        finishReason: "end_turn",
      };
    },
    async *stream(request) {
      calls++;
      yield { type: "text.delta", text: JSON.stringify(request).slice(0, 1) };
    },
  };
  return { client, calls: () => calls };
}

async function setup(testApp: (o?: TestAppOptions) => Promise<TestApp>) {
  const provider = serialisingProvider();
  let upstreamCalls = 0;
  const fetch = (async () => {
    upstreamCalls++;
    return Response.json({ ok: true });
  }) as unknown as typeof globalThis.fetch;
  const up = (baseUrl: string): Upstream => ({
    name: "x",
    apiKey: new Secret("sk-test-0123456789"),
    baseUrl,
    passthrough: true,
  });
  const h = await testApp({
    providers: { anthropic: provider.client },
    upstreams: { anthropic: up("http://up"), openai: up("http://up/v1") },
    fetch,
  });
  return { ...h, providerCalls: provider.calls, upstreamCalls: () => upstreamCalls };
}

/** `[[[…]]]` nested `n` deep, as text: building it as a value would overflow JSON.stringify here. */
const nested = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

/** A valid thread nesting `n` levels in all (its tool call input is 5 levels down): only the depth can be wrong. */
function deepThread(n: number): string {
  const t = sampleThread({
    id: ID,
    messages: [
      { role: "user", content: "hi" },
      { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "x", input: 0 }] },
    ],
  });
  return JSON.stringify(t).replace('"input":0', `"input":${nested(n - 5)}`);
}

/** A valid LlmRequest nesting `n` levels in all (its tool call input is 5 levels down). */
function deepLlmRequest(n: number): string {
  const r: LlmRequest = {
    model: "claude-sonnet-4-5",
    messages: [
      { role: "user", content: "hi" },
      { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "x", input: 0 }] },
    ],
  };
  return JSON.stringify(r).replace('"input":0', `"input":${nested(n - 5)}`);
}

const send = (
  h: Awaited<ReturnType<typeof setup>>,
  method: string,
  path: string,
  body: string | undefined,
  token?: string,
) =>
  h.app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body,
    }),
  );

forEachBackend(({ kind, testApp }) => {
  describe(`authentication comes before the body [${kind}]`, () => {
    test("every authenticated route answers 401 without credentials, whatever body came", async () => {
      const h = await setup(testApp);
      const routes = h.app.routes.filter((r) => !PUBLIC.has(r.path));
      expect(routes.length).toBeGreaterThanOrEqual(11);
      const bodies: [string, string | undefined][] = [
        ["no body", undefined],
        ["empty body", ""],
        ["broken JSON", "{not json"],
        ["deep JSON", nested(100_000)],
        ["wrong shape", '{"visibility":7,"model":[]}'],
      ];
      const seen: string[] = [];
      for (const r of routes) {
        const path = r.path.replace(":id", ID).replace(":provider", "anthropic");
        for (const [name, body] of bodies) {
          if (r.method === "GET" && body !== undefined) continue;
          const res = await send(h, r.method, path, body);
          seen.push(`${r.method} ${r.path} (${name}) → ${res.status}`);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
        }
      }
      expect(seen.filter((s) => !s.endsWith("→ 401"))).toEqual([]);
      expect(h.providerCalls()).toBe(0);
      expect(h.upstreamCalls()).toBe(0);
    });

    test("with credentials, a missing or empty body is a one-line 400 naming the problem", async () => {
      const h = await setup(testApp);
      for (const [method, path] of [
        ["PUT", `/api/threads/${ID}`],
        ["POST", `/api/threads/${ID}/visibility`],
        ["POST", "/proxy/anthropic/complete"],
        ["POST", "/proxy/anthropic/stream"],
      ] as const) {
        for (const body of [undefined, "", "  \n"]) {
          const res = await send(h, method, path, body, h.alice);
          expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 400`);
          expect(await res.json()).toEqual({
            error: { code: "INVALID_INPUT", message: "request body is empty: send a JSON object" },
          });
        }
      }
      // The pass-through reads the body itself: its own 400.
      const res = await send(h, "POST", "/proxy/anthropic/v1/messages", undefined, h.alice);
      expect(res.status).toBe(400);
      expect(h.upstreamCalls()).toBe(0);
    });

    test("a DELETE needs no body", async () => {
      const h = await setup(testApp);
      const t = sampleThread({ id: ID });
      expect((await send(h, "PUT", `/api/threads/${ID}`, JSON.stringify(t), h.alice)).status).toBe(201);
      expect((await send(h, "DELETE", `/api/threads/${ID}`, undefined, h.alice)).status).toBe(204);
    });
  });
});

forEachBackend(({ kind, testApp }) => {
  describe(`JSON nested deeper than ${MAX_JSON_DEPTH} levels [${kind}]`, () => {
    const message = `request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`;

    test("is a 400 on every route that takes a body, and reaches no store, provider or upstream", async () => {
      const h = await setup(testApp);
      const cases: [string, string, string][] = [
        ["PUT", `/api/threads/${ID}`, deepThread(100_000)],
        ["PUT", `/api/threads/${ID}`, nested(100_000)],
        ["POST", `/api/threads/${ID}/visibility`, nested(100_000)],
        ["POST", "/proxy/anthropic/complete", deepLlmRequest(100_000)],
        ["POST", "/proxy/anthropic/stream", deepLlmRequest(100_000)],
        ["POST", "/proxy/anthropic/v1/messages", deepLlmRequest(100_000)],
        ["POST", "/proxy/openai/v1/chat/completions", deepLlmRequest(100_000)],
        ["POST", "/proxy/anthropic/complete", deepLlmRequest(MAX_JSON_DEPTH + 1)],
        ["PUT", `/api/threads/${ID}`, deepThread(MAX_JSON_DEPTH + 1)],
      ];
      for (const [method, path, body] of cases) {
        const res = await send(h, method, path, body, h.alice);
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 400`);
        // Not retryable: a client must not take it for a transient upstream failure.
        expect(await res.json()).toEqual({ error: { code: "INVALID_INPUT", message } });
      }
      expect(h.providerCalls()).toBe(0);
      expect(h.upstreamCalls()).toBe(0);
      expect((await send(h, "GET", `/api/threads/${ID}`, undefined, h.alice)).status).toBe(404);
    });

    test(`a body nested exactly ${MAX_JSON_DEPTH} levels is taken`, async () => {
      const h = await setup(testApp);
      const put = await send(h, "PUT", `/api/threads/${ID}`, deepThread(MAX_JSON_DEPTH), h.alice);
      expect(put.status).toBe(201);
      const got = await send(h, "POST", "/proxy/anthropic/complete", deepLlmRequest(MAX_JSON_DEPTH), h.alice);
      expect(got.status).toBe(200);
      expect(h.providerCalls()).toBe(1);
    });
  });
});
