import { describe, expect, test } from "bun:test";
import type { LlmClient } from "@loom/runtime/llm";
import { errorFromStatus } from "@loom/runtime/providers/errors";
import { Secret } from "@loom/runtime/secret";
import { forEachBackend } from "./_backends.ts";
import type { Upstream } from "./proxy/keys.ts";
import { createRedactor } from "./redact.ts";

/** Not shaped like any known key, with characters that encodings change (`+`, `/`, `"`, `\`). */
const KEY = 'corpKey+9f/X7q"2\\ZmWb41k';
const redact = createRedactor(() => [KEY]);
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** Every way of writing the key an upstream might echo. */
function encodings(key: string): [string, string][] {
  const hex = Buffer.from(key).toString("hex");
  return [
    ["raw", key],
    ["URL-encoded", encodeURIComponent(key)],
    ["URL-encoded, lower-case hex", encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ["URL-encoded twice", encodeURIComponent(encodeURIComponent(key))],
    ["JSON-escaped", JSON.stringify(key).slice(1, -1)],
    ["JSON-escaped twice", JSON.stringify(JSON.stringify(key)).slice(1, -1)],
    ["JSON with escaped slashes", JSON.stringify(key).slice(1, -1).replace(/\//g, "\\/")],
    ["JSON \\u escapes", [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")],
    ["HTML references", [...key].map((c) => `&#${c.charCodeAt(0)};`).join("")],
    ["hex", hex],
    ["HEX", hex.toUpperCase()],
    ...[0, 1, 2].flatMap((offset): [string, string][] => {
      const framed = Buffer.concat([
        Buffer.from("xyz".slice(0, offset)),
        Buffer.from(key),
        Buffer.from("!?"),
      ]);
      return [
        [`base64 at offset ${offset}`, b64(framed)],
        [`base64url at offset ${offset}`, b64url(framed)],
      ];
    }),
    ["Basic auth", b64(`user:${key}`)],
  ];
}

/** Whether any recognisable piece of the key survives in `text`. */
function leaks(text: string, key: string): boolean {
  const pieces = encodings(key).map(([, v]) => v);
  // Long enough to identify the key: the middle of each encoding.
  return pieces.some((p) => p.length >= 16 && text.includes(p.slice(4, -4)));
}

describe("createRedactor", () => {
  test.each(encodings(KEY))("a configured key is removed when written %s", (_name, form) => {
    const text = `{"error":{"message":"invalid credential ${form} for this project"}}`;
    const out = redact(text);
    expect(out).toContain("[redacted]");
    expect(leaks(out, KEY)).toBe(false);
    expect(out).toStartWith('{"error":{"message":"invalid credential ');
    expect(out).toEndWith(' for this project"}}');
  });

  test("text without the key is left alone, base64 and hex included", () => {
    const other = "anotherKey-0123456789abcdef";
    for (const [, form] of encodings(other)) {
      const text = `echo ${form} end`;
      expect(redact(text)).toBe(text);
    }
    expect(redact("plain words, %20 and &#65; and \\u0041")).toBe("plain words, %20 and &#65; and \\u0041");
  });

  test("every configured key is looked for; short secrets are not", () => {
    const r = createRedactor(() => ["first-secret-value", "second-secret-value", "short"]);
    expect(r(`a ${b64("first-secret-value")} b ${encodeURIComponent("second-secret-value")} short`)).toBe(
      "a [redacted] b [redacted] short",
    );
  });
});

forEachBackend(({ kind, testApp }) => {
  describe(`the pass-through and the proxy redact encoded keys in what upstreams echo [${kind}]`, () => {
    test("an upstream error body quoting the key base64- or URL-encoded reaches the caller redacted", async () => {
      const forms = encodings(KEY).map(([, f]) => f);
      let i = 0;
      const fetch = (async () => {
        const form = forms[i++ % forms.length];
        return Response.json(
          { error: { message: `key ${form} rejected` } },
          { status: 401, headers: { "x-echo": encodeURIComponent(KEY) } },
        );
      }) as unknown as typeof globalThis.fetch;
      const upstreams: Record<string, Upstream> = {
        anthropic: { name: "anthropic", apiKey: new Secret(KEY), baseUrl: "http://up", passthrough: true },
      };
      const h = await testApp({ upstreams, fetch });
      for (const _ of forms) {
        const res = await h.call("POST", "/proxy/anthropic/v1/messages", {
          token: h.alice,
          body: { model: "claude-sonnet-4-6", max_tokens: 8, messages: [] },
        });
        expect(res.status).toBe(401);
        const text = await res.text();
        expect(text).toContain("[redacted]");
        expect(leaks(text, KEY)).toBe(false);
        expect(res.headers.get("x-echo")).toBe("[redacted]");
      }
    });

    test("/complete: a provider error quoting the key encoded reaches the caller redacted", async () => {
      const forms = encodings(KEY).map(([, f]) => f);
      let i = 0;
      const failing: LlmClient = {
        provider: "anthropic",
        async complete() {
          throw errorFromStatus("anthropic", 403, `key ${forms[i++ % forms.length]} is not allowed`);
        },
        async *stream() {
          yield* [];
        },
      };
      const upstreams: Record<string, Upstream> = {
        anthropic: { name: "anthropic", apiKey: new Secret(KEY), baseUrl: "http://up", passthrough: false },
      };
      const h = await testApp({ upstreams, providers: { anthropic: failing } });
      for (const _ of forms) {
        const res = await h.call("POST", "/proxy/anthropic/complete", {
          token: h.alice,
          body: { model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] },
        });
        expect(res.status).toBe(502);
        const text = await res.text();
        expect(text).toContain("[redacted]");
        expect(leaks(text, KEY)).toBe(false);
      }
    });
  });
});
