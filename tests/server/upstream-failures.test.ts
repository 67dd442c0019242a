/**
 * `/proxy/{provider}/complete` when the upstream's answer breaks: over a socket, with the real
 * provider plugins, for each wire format. The caller gets a clean one-line 502 (the proxy client a
 * transient LlmError); the text of an exception inside an SDK or converter never reaches it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { LlmError } from "@loom/runtime/llm";
import { createProxyLlmClient } from "@loom/runtime/sync/proxy-client";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import type { Fault } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { startDyingUpstream } from "./_dying-upstream.ts";
import { tempDir } from "./_helpers.ts";

const KEY = "sk-ant-failures-SECRET-0123456789";
const VERTEX_TOKEN = "ya29.failures-SECRET-abcdef0123";
const PROVIDERS = ["anthropic", "openai", "vertex"] as const;
const MODEL: Record<(typeof PROVIDERS)[number], string> = {
  anthropic: "claude-sonnet-4-6",
  openai: "gpt-5",
  vertex: "gemini-2.5-flash",
};

/** Exception text from inside the server's own code or an SDK, which a caller must never see. */
const INTERNAL =
  /undefined is not|is not a function|evaluating|JSON Parse|Unexpected|TypeError|SyntaxError|at .*\.ts:\d+/;

const logs: string[] = [];

async function serverFor(upstreamUrl: string, openaiUrl: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    dbPath: join(tempDir(), "server.db"),
    env: {
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: upstreamUrl,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: openaiUrl,
      GOOGLE_CLOUD_PROJECT: "loom-test",
      GOOGLE_CLOUD_LOCATION: "us-central1",
      VERTEX_BASE_URL: upstreamUrl,
      VERTEX_ACCESS_TOKEN: VERTEX_TOKEN,
    },
    logSink: (l) => logs.push(l),
  });
}

async function complete(server: RunningServer, token: string, provider: string) {
  const res = await fetch(`${server.url}/proxy/${provider}/complete`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: MODEL[provider as keyof typeof MODEL],
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: JSON.parse(text) as {
      error: { code: string; message: string; llm: { kind: string; message: string } };
    },
  };
}

function expectClean(r: Awaited<ReturnType<typeof complete>>, provider: string) {
  expect(r.status).toBe(502);
  expect(r.body.error.code).toBe("UPSTREAM_ERROR");
  expect(r.body.error.llm.kind).toBe("transient");
  expect(r.body.error.message).toStartWith(`${provider}: `);
  expect(r.body.error.message).not.toContain("\n");
  expect(r.text).not.toMatch(INTERNAL);
  expect(r.text).not.toContain(KEY);
  expect(r.text).not.toContain(VERTEX_TOKEN);
}

describe("complete on an upstream answer broken halfway (fake upstream)", () => {
  let up: FakeUpstream;
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    up = await startFakeUpstream({ script: { turns: [] } });
    server = await serverFor(up.url, up.openaiUrl);
    token = createToken(server.db, { name: "alice" }).token;
  });
  afterAll(async () => {
    await server?.stop();
    await up?.stop();
  });

  const cases: [Fault, RegExp][] = [
    ["truncate", /the response ended before it was complete or was malformed$/],
    ["malformed", /the response ended before it was complete or was malformed$/],
    ["disconnect", /connection failed|the response ended before it was complete/],
  ];
  for (const [fault, expected] of cases) {
    test.each(PROVIDERS)(`${fault}: %s answers a clean 502 without internal error text`, async (provider) => {
      up.setScript({ turns: [{ text: "a reply long enough to be cut in half", fault }] });
      const r = await complete(server, token, provider);
      expectClean(r, provider);
      expect(r.body.error.message).toMatch(expected);
      expect(up.requests.at(-1)?.stream).toBe(false);

      // Through the proxy client: a transient LlmError, so the agent loop retries.
      up.setScript({ turns: [{ text: "a reply long enough to be cut in half", fault }] });
      const llm = createProxyLlmClient({ serverUrl: server.url, token, provider });
      const e = await llm
        .complete({ model: MODEL[provider], messages: [{ role: "user", content: "hi" }] })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LlmError);
      expect((e as LlmError).kind).toBe("transient");
      expect((e as LlmError).message).not.toMatch(INTERNAL);
    });
  }
});

describe("complete on an upstream that answers a stream cut off mid-way", () => {
  for (const cleanEnd of [true, false]) {
    test(
      cleanEnd ? "ended cleanly: no 'undefined is not an object'" : "reset: the system error code only",
      async () => {
        const up = await startDyingUpstream({ cleanEnd });
        const server = await serverFor(up.url, up.openaiUrl);
        try {
          const token = createToken(server.db, { name: "alice" }).token;
          for (const provider of PROVIDERS) {
            const r = await complete(server, token, provider);
            expectClean(r, provider);
            expect(r.body.error.message).toBe(
              cleanEnd
                ? `${provider}: the response ended before it was complete or was malformed`
                : `${provider}: connection failed (ECONNRESET)`,
            );
          }
          // The operator still finds what happened in the log (redacted).
          const failed = logs.filter((l) => l.includes('"proxy.failed"'));
          expect(failed.some((l) => l.includes('"detail"'))).toBe(true);
          expect(logs.join("\n")).not.toContain(KEY);
        } finally {
          await server.stop();
          await up.stop();
        }
      },
    );
  }
});
