/**
 * Regression tests for what a careless or hostile client sent before these were fixed: each input
 * once produced a 500, slipped past a limit, or was taken silently. Every answer here is the JSON
 * error shape with a 4xx, never a stack trace.
 */
import { describe, expect, test } from "bun:test";
import { Secret } from "@loom/runtime/secret";
import { forEachBackend, type TestApp, type TestAppOptions } from "./_backends.ts";
import { sampleThread } from "./_test-helpers.ts";
import type { Upstream } from "./proxy/keys.ts";

const KEY = "sk-ant-hostile-SECRET-0123456789";

function expectErrorShape(text: string, code: string) {
  expect(text).not.toMatch(/at .*\.ts:\d+|\n\s+at /);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message).not.toContain("\n");
  return body.error;
}

/** An upstream fetch that records what it was sent and answers with `respond`. */
async function upstreamApp(testApp: (o?: TestAppOptions) => Promise<TestApp>, respond: () => Response) {
  const sent: { url: string; headers: Headers; body: string }[] = [];
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), headers: new Headers(init?.headers), body: String(init?.body) });
    return respond();
  }) as typeof fetch;
  const upstreams: Record<string, Upstream> = {
    anthropic: { name: "anthropic", apiKey: new Secret(KEY), baseUrl: "http://up", passthrough: true },
    openai: { name: "openai", apiKey: new Secret(KEY), baseUrl: "http://up/v1", passthrough: true },
  };
  return { h: await testApp({ upstreams, fetch: fakeFetch }), sent };
}

const withDb = <T extends { h: TestApp }>(x: T) => ({ ...x, db: x.h });

const usageRows = async (h: TestApp) => {
  await h.backend.usage.flush();
  return h.rows<{ provider: string; requests: number; input_tokens: number }>(
    "SELECT provider, requests, input_tokens FROM usage",
  );
};

/** An SSE body that delivers `frames` and then fails like a reset connection. */
function dyingSse(frames: string[]): Response {
  const enc = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const f = frames[i++];
      if (f === undefined)
        c.error(
          Object.assign(new TypeError("ECONNRESET: socket closed. For more information, pass `verbose`"), {
            code: "ECONNRESET",
          }),
        );
      else c.enqueue(enc.encode(f));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

forEachBackend(({ kind, testApp }) => {
  describe(`hostile input [${kind}]`, () => {
    test("search: control characters (NUL) and FTS5 syntax never reach SQLite as syntax", async () => {
      const h = await testApp();
      const t = sampleThread({ title: "parser hang" });
      await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t });
      for (const q of [
        "\u0000",
        "a\u0000b",
        "\u0007*",
        '"',
        "*",
        "NEAR(a b)",
        "(",
        "a OR",
        "title:x",
        "{a b}",
        "^x",
      ]) {
        const res = await h.call("GET", `/api/threads/search?q=${encodeURIComponent(q)}`, { token: h.alice });
        expect(res.status).toBe(200);
      }
      const hit = await h.call("GET", `/api/threads/search?q=${encodeURIComponent("parser\u0000hang")}`, {
        token: h.alice,
      });
      expect(((await hit.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([t.id]);
    });

    test("the body limit holds whatever the content-type says (text/plain, form, none)", async () => {
      const h = await testApp({ maxBodyBytes: 1024 });
      const t = sampleThread({ messages: [{ role: "user", content: "x".repeat(4096) }] });
      for (const ct of ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream"]) {
        const res = await h.call("PUT", `/api/threads/${t.id}`, {
          token: h.alice,
          body: JSON.stringify(t),
          headers: { "content-type": ct },
        });
        expect(res.status).toBe(413);
        expectErrorShape(await res.text(), "PAYLOAD_TOO_LARGE");
      }
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: h.alice })).status).toBe(404);
    });

    test("thread timestamps must be ISO 8601; offsets are ordered as the instants they are", async () => {
      const h = await testApp();
      for (const bad of [
        { updatedAt: "yesterday" },
        { createdAt: "" },
        { updatedAt: "2026-13-45T99:00:00Z" },
      ]) {
        const t = sampleThread(bad);
        const res = await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t });
        expect(res.status).toBe(400);
        expect(expectErrorShape(await res.text(), "INVALID_INPUT").message).toMatch(/ISO 8601/);
      }
      // 10:30+02:00 is 08:30Z: older than 09:00Z although it sorts after it as text.
      const early = sampleThread({ updatedAt: "2026-11-01T10:30:00+02:00" });
      const late = sampleThread({ updatedAt: "2026-11-01T09:00:00.000Z" });
      for (const t of [early, late])
        expect((await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t })).status).toBe(201);
      const list = (await (await h.call("GET", "/api/threads", { token: h.alice })).json()) as {
        items: { id: string }[];
      };
      expect(list.items.map((i) => i.id)).toEqual([late.id, early.id]);
    });

    test("validation errors name what is wrong: query values and literal unions", async () => {
      const h = await testApp();
      const res = await h.call("GET", "/api/threads?limit=-1", { token: h.alice });
      expect(res.status).toBe(400);
      expect(expectErrorShape(await res.text(), "INVALID_INPUT").message).toBe(
        "query parameter -1: Expected integer to be greater or equal to 1",
      );
      for (const bad of ["abc", "1.5"]) {
        const word = await h.call("GET", `/api/threads?limit=${bad}`, { token: h.alice });
        expect(expectErrorShape(await word.text(), "INVALID_INPUT").message).toBe(
          "query /limit: expected an integer from 1 to 200",
        );
      }
      const t = sampleThread();
      await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t });
      const vis = await h.call("POST", `/api/threads/${t.id}/visibility`, {
        token: h.alice,
        body: { visibility: "world" },
      });
      expect(expectErrorShape(await vis.text(), "INVALID_INPUT").message).toBe(
        "body /visibility: expected one of private, team, organization, public",
      );
      // A pattern is named in words (the schema's description), not as a regular expression.
      const slug = await h.call("POST", "/api/orgs", { token: h.alice, body: { slug: "Bad Slug!" } });
      expect(expectErrorShape(await slug.text(), "INVALID_INPUT").message).toBe(
        "body /slug: expected a slug: 1-39 lower-case letters, digits and '-', starting with a letter or digit",
      );
      const day = await h.call("GET", "/api/usage?from=yesterday", { token: h.alice });
      expect(expectErrorShape(await day.text(), "INVALID_INPUT").message).toBe(
        "query /from: expected a day as YYYY-MM-DD",
      );
    });

    test("If-Match garbage is a 400, not a write", async () => {
      const h = await testApp();
      const t = sampleThread();
      await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t });
      for (const v of ["garbage", "*", "-1", '"1", "2"', "99999999999999999999"]) {
        const res = await h.call("PUT", `/api/threads/${t.id}`, {
          token: h.alice,
          body: t,
          headers: { "if-match": v },
        });
        expect(res.status).toBe(400);
        expectErrorShape(await res.text(), "INVALID_INPUT");
      }
    });

    test("broken JSON without credentials is a 401 (auth first); with them, a 400 naming the JSON", async () => {
      const { h } = await upstreamApp(testApp, () => Response.json({}));
      const id = sampleThread().id;
      for (const [method, path] of [
        ["PUT", `/api/threads/${id}`],
        ["POST", `/api/threads/${id}/visibility`],
        ["POST", "/proxy/anthropic/v1/messages"],
      ] as const) {
        const anon = await h.call(method, path, { body: "{not json" });
        expect(anon.status).toBe(401);
        expectErrorShape(await anon.text(), "UNAUTHORIZED");
        const authed = await h.call(method, path, { token: h.alice, body: "{not json" });
        expect(authed.status).toBe(400);
        expect(expectErrorShape(await authed.text(), "INVALID_INPUT").message).toBe(
          "request body is not valid JSON",
        );
      }
    });

    test("a JSON body with a UTF-8 byte-order mark is accepted", async () => {
      const h = await testApp();
      const t = sampleThread();
      const res = await h.call("PUT", `/api/threads/${t.id}`, {
        token: h.alice,
        body: `\uFEFF${JSON.stringify(t)}`,
      });
      expect(res.status).toBe(201);
    });

    test("pass-through is rate limited per token: 429 JSON with retry-after, before anything goes upstream", async () => {
      const sent: string[] = [];
      const fakeFetch = (async (input: string | URL | Request) => {
        sent.push(String(input));
        return Response.json({ usage: { input_tokens: 1, output_tokens: 1 } });
      }) as typeof fetch;
      const h = await testApp({
        rateLimitPerMinute: 1,
        fetch: fakeFetch,
        upstreams: {
          openai: { name: "openai", apiKey: new Secret(KEY), baseUrl: "http://up/v1", passthrough: true },
        },
      });
      const call = () =>
        h.call("POST", "/proxy/openai/v1/chat/completions", { token: h.alice, body: { model: "m" } });
      expect((await call()).status).toBe(200);
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expectErrorShape(await limited.text(), "RATE_LIMITED");
      expect(sent).toHaveLength(1);
      const other = await h.call("POST", "/proxy/openai/v1/chat/completions", {
        token: h.bob,
        body: { model: "m" },
      });
      expect(other.status).toBe(200);
    });

    test("pass-through: duplicate or escaped model keys cannot slip a model past the allowlist", async () => {
      const sent: string[] = [];
      const fakeFetch = (async (_input: string | URL | Request, init?: RequestInit) => {
        sent.push(String(init?.body));
        return Response.json({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
      }) as typeof fetch;
      const h = await testApp({
        allowedModels: ["gpt-4o"],
        fetch: fakeFetch,
        upstreams: {
          openai: { name: "openai", apiKey: new Secret(KEY), baseUrl: "http://up/v1", passthrough: true },
        },
      });
      const post = (body: string) =>
        h.call("POST", "/proxy/openai/v1/chat/completions", { token: h.alice, body });
      // JSON.parse keeps the last key: the allowlist sees o1-pro and refuses.
      expect((await post('{"model":"gpt-4o","model":"o1-pro"}')).status).toBe(403);
      // Admitted as gpt-4o; an upstream reading the first key must not get o1-pro.
      for (const body of [
        '{"model":"o1-pro","model":"gpt-4o"}',
        '{"model":"o1-pro","mod\\u0065l":"gpt-4o"}',
      ]) {
        expect((await post(body)).status).toBe(200);
        expect(sent.at(-1)).toBe('{"model":"gpt-4o"}');
      }
      // An unambiguous body still goes byte for byte.
      await post('{ "model" : "gpt-4o", "n": 1.0 }');
      expect(sent.at(-1)).toBe('{ "model" : "gpt-4o", "n": 1.0 }');
    });

    test("model names that are paths (another cloud project, '..') are refused before any upstream call", async () => {
      const seen: string[] = [];
      const llm = {
        provider: "vertex",
        complete: async (r: { model: string }) => {
          seen.push(r.model);
          throw new Error("must not be called");
        },
        stream: async function* () {},
      };
      const h = await testApp({ providers: { vertex: llm as never } });
      for (const model of [
        "projects/other-project/locations/us-central1/publishers/google/models/gemini-2.5-pro",
        "gemini/../../x",
        "gemini-2.5-pro?alt=sse",
        "gemini 2.5",
        "a//b",
        "x".repeat(201),
      ]) {
        const res = await h.call("POST", "/proxy/vertex/complete", {
          token: h.alice,
          body: { model, messages: [] },
        });
        expect(res.status).toBe(400);
        expect(expectErrorShape(await res.text(), "INVALID_INPUT").message).toStartWith("model name ");
      }
      expect(seen).toEqual([]);
      // Plain names, vendor/name (OpenAI-compatible routers) and version tags still pass the check.
      for (const model of [
        "gemini-2.5-pro",
        "meta-llama/Llama-3-70b",
        "claude-3-5-sonnet@20240620",
        "o1:2024",
      ]) {
        const res = await h.call("POST", "/proxy/vertex/complete", {
          token: h.alice,
          body: { model, messages: [] },
        });
        expect(res.status).toBe(502);
      }
    });

    test("provider names that are Object.prototype keys are unknown providers, not a crash", async () => {
      const h = await testApp();
      for (const route of ["complete", "stream"]) {
        const res = await h.call("POST", `/proxy/constructor/${route}`, {
          token: h.alice,
          body: { model: "m", messages: [] },
        });
        expect(res.status).toBe(404);
        expectErrorShape(await res.text(), "PROVIDER_NOT_CONFIGURED");
      }
    });

    test("pass-through: a JSON body that is not an object is a 400, not a 500", async () => {
      const { h, sent } = await upstreamApp(testApp, () => Response.json({}));
      for (const body of ["null", "[1]", "5", '"s"']) {
        const res = await h.call("POST", "/proxy/anthropic/v1/messages", { token: h.alice, body });
        expect(res.status).toBe(400);
        expectErrorShape(await res.text(), "INVALID_INPUT");
      }
      expect(sent).toHaveLength(0);
    });

    test("pass-through: a JSON body labelled text/plain or form (curl -d) goes upstream as application/json", async () => {
      const { h, sent } = await upstreamApp(testApp, () =>
        Response.json({ usage: { input_tokens: 1, output_tokens: 1 } }),
      );
      for (const ct of ["text/plain", "application/x-www-form-urlencoded"]) {
        const res = await h.call("POST", "/proxy/anthropic/v1/messages", {
          token: h.alice,
          body: '{"model":"claude-x","max_tokens":5,"messages":[]}',
          headers: { "content-type": ct },
        });
        expect(res.status).toBe(200);
      }
      expect(sent.map((s) => s.headers.get("content-type"))).toEqual([
        "application/json",
        "application/json",
      ]);
      expect(sent[0]?.body).toBe('{"model":"claude-x","max_tokens":5,"messages":[]}');
    });

    test("pass-through model list: the server's key and the paging query go upstream; a non-JSON answer is a 502", async () => {
      let answer = () =>
        Response.json({ data: [{ id: "claude-x" }, { id: "m/../x" }, { nope: 1 }], has_more: true });
      const { h, sent } = await upstreamApp(testApp, () => answer());
      const res = await h.call("GET", "/proxy/anthropic/v1/models?limit=2&after_id=a", {
        token: h.alice,
        headers: { "anthropic-version": "2023-06-01" },
      });
      expect(res.status).toBe(200);
      // Entries without an id, or whose id is no plain model name, are left out.
      expect(await res.json()).toEqual({ data: [{ id: "claude-x" }], has_more: true });
      expect(sent[0]?.url).toBe("http://up/v1/models?limit=2&after_id=a");
      expect(sent[0]?.headers.get("x-api-key")).toBe(KEY);
      expect(sent[0]?.headers.get("anthropic-version")).toBe("2023-06-01");
      answer = () => new Response("<html>gateway</html>", { status: 200 });
      const html = await h.call("GET", "/proxy/openai/v1/models", { token: h.alice });
      expect(html.status).toBe(502);
      expect(expectErrorShape(await html.text(), "UPSTREAM_ERROR").message).toBe(
        "upstream openai answered a model list that is not JSON",
      );
      expect(sent[1]?.url).toBe("http://up/v1/models");
      expect(sent[1]?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    });

    test("pass-through: upstream response headers that echo the key are redacted", async () => {
      const { h } = await upstreamApp(
        testApp,
        () =>
          new Response('{"error":{"message":"bad key"}}', {
            status: 401,
            headers: { "content-type": "application/json", "x-debug-auth": `x-api-key=${KEY}` },
          }),
      );
      const res = await h.call("POST", "/proxy/anthropic/v1/messages", {
        token: h.alice,
        body: { model: "m" },
      });
      expect(res.status).toBe(401);
      const lines: string[] = [];
      res.headers.forEach((v, k) => {
        lines.push(`${k}: ${v}`);
      });
      const all = lines.join("\n");
      expect(all).not.toContain(KEY);
      expect(res.headers.get("x-debug-auth")).toBe("x-api-key=[redacted]");
    });

    test("pass-through: an upstream that dies mid-stream ends with the provider's own error event", async () => {
      const anthropicFrames = [
        'event: message_start\ndata: {"type":"message_start","message":{"model":"m","usage":{"input_tokens":7,"output_tokens":1}}}\n\n',
      ];
      const openaiFrames = ['data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n'];
      for (const [provider, path, frames] of [
        ["anthropic", "/proxy/anthropic/v1/messages", anthropicFrames],
        ["openai", "/proxy/openai/v1/chat/completions", openaiFrames],
      ] as const) {
        const { h, db } = withDb(await upstreamApp(testApp, () => dyingSse(frames)));
        const res = await h.call("POST", path, { token: h.alice, body: { model: "m", stream: true } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text.startsWith(frames[0] ?? "")).toBe(true);
        const last = text.trim().split("\n\n").at(-1) ?? "";
        const data = JSON.parse(last.slice(last.indexOf("data: ") + 6)) as {
          type?: string;
          error: { type: string; message: string };
        };
        if (provider === "anthropic") {
          expect(last.startsWith("event: error\n")).toBe(true);
          expect(data.type).toBe("error");
        }
        // The system error code, not the exception's text.
        expect(data.error.message).toBe(`upstream ${provider} stream failed (ECONNRESET)`);
        // The tokens the upstream billed before it died are still accounted to the caller.
        for (let i = 0; i < 50 && (await usageRows(db)).length === 0; i++) await Bun.sleep(5);
        expect(await usageRows(db)).toEqual([
          { provider, requests: 1, input_tokens: provider === "anthropic" ? 7 : 0 },
        ]);
      }
    });

    test("pass-through: a client that hangs up mid-stream is still charged for what was billed", async () => {
      const frames = [
        'event: message_start\ndata: {"type":"message_start","message":{"model":"m","usage":{"input_tokens":9,"output_tokens":1}}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"Hel"}}\n\n',
      ];
      const hanging = () => {
        const enc = new TextEncoder();
        let i = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(c) {
            const f = frames[i++];
            if (f !== undefined) c.enqueue(enc.encode(f));
            else await new Promise(() => {}); // never ends; only the cancel below stops it
          },
        });
        return new Response(body, { headers: { "content-type": "text/event-stream" } });
      };
      const { h, db } = withDb(await upstreamApp(testApp, hanging));
      const res = await h.call("POST", "/proxy/anthropic/v1/messages", {
        token: h.alice,
        body: { model: "m", stream: true },
      });
      const reader = res.body?.getReader();
      let seen = "";
      for (let i = 0; i < 10 && !seen.includes("content_block_delta"); i++)
        seen += new TextDecoder().decode((await reader?.read())?.value);
      await reader?.cancel();
      for (let i = 0; i < 50 && (await usageRows(db)).length === 0; i++) await Bun.sleep(5);
      expect(await usageRows(db)).toEqual([{ provider: "anthropic", requests: 1, input_tokens: 9 }]);
    });
  });
});
