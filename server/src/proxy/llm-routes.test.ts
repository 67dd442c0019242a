import { describe, expect, test } from "bun:test";
import {
  type LlmClient,
  LlmError,
  type LlmEvent,
  type LlmRequest,
  type LlmResponse,
} from "@loom/runtime/llm";
import { createProxyLlmClient } from "@loom/runtime/sync/proxy-client";
import { forEachBackend, type TestApp, type TestAppOptions } from "../_backends.ts";
import { metricsProbe } from "../_metrics-probe.ts";

const response = (text: string, model = "claude-sonnet-4-5"): LlmResponse => ({
  model,
  message: { role: "assistant", content: text },
  usage: { inputTokens: 1000, outputTokens: 200 },
  finishReason: "end_turn",
});

/** An in-memory provider: answers from `script`, records requests and whether their signal aborted. */
function memoryProvider(script: { events?: LlmEvent[]; error?: LlmError; hangAfter?: number }) {
  const seen: { request: LlmRequest; signal?: AbortSignal }[] = [];
  const client: LlmClient = {
    provider: "anthropic",
    async complete(request, signal) {
      seen.push({ request, signal });
      if (script.error) throw script.error;
      return response("hello");
    },
    async *stream(request, signal) {
      seen.push({ request, signal });
      const events = script.events ?? [];
      for (let i = 0; i < events.length; i++) {
        if (script.hangAfter === i) {
          await new Promise<void>((resolve) =>
            signal?.addEventListener("abort", () => resolve(), { once: true }),
          );
          throw new LlmError("transient", "aborted");
        }
        yield events[i]!;
      }
      if (script.error) throw script.error;
    },
  };
  return { client, seen };
}

const STREAM: LlmEvent[] = [
  { type: "text.delta", text: "Hel" },
  { type: "text.delta", text: "lo" },
  { type: "usage", usage: { inputTokens: 1000, outputTokens: 200 } },
  { type: "completed", response: response("Hello") },
];

const req: LlmRequest = { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] };

async function setup(
  testApp: (o?: TestAppOptions) => Promise<TestApp>,
  script: Parameters<typeof memoryProvider>[0],
  opts: TestAppOptions = {},
) {
  const p = memoryProvider(script);
  const h = await testApp({ providers: { anthropic: p.client }, ...opts });
  const inProcess = ((input: string | URL | Request, init?: RequestInit) =>
    h.app.handle(new Request(input, init))) as typeof fetch;
  const llm = createProxyLlmClient({
    serverUrl: "http://localhost",
    token: h.alice,
    provider: "anthropic",
    fetch: inProcess,
  });
  return { ...h, ...p, llm };
}

forEachBackend(({ kind, testApp }) => {
  describe(`LLM proxy routes [${kind}]`, () => {
    test("complete: LlmRequest in, LlmResponse out, usage accounted per token/model/day with catalogue cost", async () => {
      const s = await setup(testApp, {}, { clock: () => new Date("2026-11-25T12:00:00Z") });
      expect(await s.llm.complete(req)).toEqual(response("hello"));
      await s.llm.complete(req);
      expect(s.seen[0]?.request).toEqual(req);
      await s.backend.usage.flush();
      const rows = await s.rows(
        "SELECT day, user_id, provider, model, requests, input_tokens, output_tokens, cost_usd FROM usage",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        day: "2026-11-25",
        user_id: "alice",
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        requests: 2,
        input_tokens: 2000,
        output_tokens: 400,
      });
      expect((rows[0] as { cost_usd: number }).cost_usd).toBeGreaterThan(0);

      const api = (await (await s.call("GET", "/api/usage?from=2026-11-01", { token: s.alice })).json()) as {
        items: { day: string; requests: number; inputTokens: number; costUsd: number }[];
      };
      expect(api.items).toHaveLength(1);
      expect(api.items[0]).toMatchObject({ day: "2026-11-25", requests: 2, inputTokens: 2000 });
      const bobs = (await (await s.call("GET", "/api/usage", { token: s.bob })).json()) as {
        items: unknown[];
      };
      expect(bobs.items).toEqual([]);
      expect((await s.call("GET", "/api/usage?from=yesterday", { token: s.alice })).status).toBe(400);
    });

    test("usage on a model without a known price keeps its tokens and answers costUsd null, not 0", async () => {
      const s = await setup(
        testApp,
        {},
        { clock: () => new Date("2026-11-25T12:00:00Z"), cost: () => undefined },
      );
      await s.llm.complete(req);
      await s.backend.usage.flush();
      const api = (await (await s.call("GET", "/api/usage", { token: s.alice })).json()) as {
        items: { model: string; inputTokens: number; costUsd: number | null }[];
      };
      expect(api.items).toHaveLength(1);
      expect(api.items[0]).toMatchObject({ inputTokens: 1000, costUsd: null });
    });

    test("stream: every LlmEvent arrives through SSE in order", async () => {
      const s = await setup(testApp, { events: STREAM });
      const got: LlmEvent[] = [];
      for await (const ev of s.llm.stream(req)) got.push(ev);
      expect(got).toEqual(STREAM);
    });

    test("upstream errors keep their LlmError kind across the wire, complete and stream", async () => {
      for (const [kind, status] of [
        ["rate_limited", 429],
        ["transient", 503],
        ["permanent", 400],
      ] as const) {
        const err = new LlmError(kind, `upstream said no (${kind})`, { status, retryAfterMs: 3000 });
        const s = await setup(testApp, { events: STREAM.slice(0, 1), error: err });
        const c = await s.llm.complete(req).catch((e: unknown) => e);
        expect(c).toBeInstanceOf(LlmError);
        expect(c).toMatchObject({ kind, status, retryAfterMs: 3000 });
        const got: LlmEvent[] = [];
        const st = await (async () => {
          for await (const ev of s.llm.stream(req)) got.push(ev);
        })().catch((e: unknown) => e);
        expect(got).toEqual(STREAM.slice(0, 1));
        expect(st).toBeInstanceOf(LlmError);
        expect(st).toMatchObject({ kind, message: `upstream said no (${kind})` });
      }
    });

    test("unknown provider, disallowed model and bad bodies are permanent errors with JSON bodies", async () => {
      const s = await setup(testApp, {}, { allowedModels: ["claude-*"] });
      const other = createProxyLlmClient({
        serverUrl: "http://localhost",
        token: s.alice,
        provider: "nope",
        fetch: ((i: string, init?: RequestInit) => s.app.handle(new Request(i, init))) as typeof fetch,
      });
      expect(await other.complete(req).catch((e: LlmError) => [e.kind, e.status])).toEqual([
        "permanent",
        404,
      ]);
      const gpt = await s.llm.complete({ ...req, model: "gpt-5" }).catch((e: LlmError) => e);
      expect(gpt).toMatchObject({ kind: "permanent", status: 403 });
      const bad = await s.call("POST", "/proxy/anthropic/complete", {
        token: s.alice,
        body: { model: "x", messages: [{ role: "robot" }] },
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_INPUT");
      expect(s.seen).toHaveLength(0);
    });

    test("rate limit per token: 429 with retry-after, rethrown as rate_limited; other tokens unaffected", async () => {
      let now = Date.parse("2026-11-25T12:00:00Z");
      const s = await setup(testApp, {}, { rateLimitPerMinute: 2, clock: () => new Date(now) });
      await s.llm.complete(req);
      await s.llm.complete(req);
      const res = await s.call("POST", "/proxy/anthropic/complete", { token: s.alice, body: req });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("30");
      const e = await s.llm.complete(req).catch((x: LlmError) => x);
      expect(e).toMatchObject({ kind: "rate_limited", retryAfterMs: 30_000 });
      expect((await s.call("POST", "/proxy/anthropic/complete", { token: s.bob, body: req })).status).toBe(
        200,
      );
      now += 30_000;
      expect((await s.call("POST", "/proxy/anthropic/complete", { token: s.alice, body: req })).status).toBe(
        200,
      );

      // A token with its own limit: 1 per minute.
      const slow = (await s.backend.tokens.create({ name: "slow", rateLimitPerMinute: 1 })).token;
      expect((await s.call("POST", "/proxy/anthropic/complete", { token: slow, body: req })).status).toBe(
        200,
      );
      const limited = await s.call("POST", "/proxy/anthropic/complete", { token: slow, body: req });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("60");
    });

    test("a client that goes away aborts the provider call and the active-stream gauge returns to 0", async () => {
      const probe = metricsProbe();
      const s = await setup(testApp, { events: STREAM, hangAfter: 1 }, { metrics: probe.metrics });
      const ac = new AbortController();
      const got: LlmEvent[] = [];
      const run = (async () => {
        for await (const ev of s.llm.stream(req, ac.signal)) {
          got.push(ev);
          ac.abort();
        }
      })().catch((e: unknown) => e);
      await run;
      expect(got).toHaveLength(1);
      const signal = s.seen[0]?.signal;
      expect(signal).toBeDefined();
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        else signal?.addEventListener("abort", () => resolve(), { once: true });
      });
      expect(signal?.aborted).toBe(true);
      await probe.streamsEnded(1);
      const metrics = await (await s.call("GET", "/metrics")).text();
      expect(metrics).toContain("loom_proxy_streams_active 0");
      // Hanging up does not make the call disappear from the caller's usage.
      await s.backend.usage.flush();
      const rows = await s.rows("SELECT model, requests, input_tokens FROM usage");
      expect(rows).toEqual([{ model: "claude-sonnet-4-5", requests: 1, input_tokens: 0 }]);
    });

    test("a stream the provider refuses before any event (unknown model) is not counted", async () => {
      const s = await setup(testApp, { events: [], error: new LlmError("permanent", "no such model") });
      const e = await (async () => {
        for await (const _ of s.llm.stream({ ...req, model: "made-up-1" })) {
          // drain
        }
      })().catch((x: unknown) => x);
      expect((e as LlmError).kind).toBe("permanent");
      await s.backend.usage.flush();
      expect(await s.rows("SELECT * FROM usage")).toEqual([]);
      expect(await (await s.call("GET", "/metrics")).text()).not.toContain("made-up-1");
    });

    test("a stream the provider fails mid-way still counts as a request", async () => {
      const s = await setup(testApp, {
        events: STREAM.slice(0, 1),
        error: new LlmError("transient", "reset"),
      });
      const e = await (async () => {
        for await (const _ of s.llm.stream(req)) {
          // drain
        }
      })().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LlmError);
      await s.backend.usage.flush();
      const rows = await s.rows("SELECT requests FROM usage");
      expect(rows).toEqual([{ requests: 1 }]);
    });
  });
});
