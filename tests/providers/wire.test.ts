/** Provider-specific wire details the shared contract cannot express. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import anthropic from "@loom/provider-anthropic";
import openai from "@loom/provider-openai";
import vertex from "@loom/provider-vertex";
import { LoomError } from "@loom/runtime/errors";
import type { LlmEvent } from "@loom/runtime/llm";
import { parseManifest } from "@loom/runtime/plugins/manifest";
import { Secret } from "@loom/runtime/secret";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
});
afterAll(async () => {
  await up.stop();
});

const ask = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };

/** scripts/vertex-adc.ts with no usable Google credentials: a permanent error naming the fix, no request sent. */
async function expectMissingAdc(...args: string[]): Promise<void> {
  up.setScript({ turns: [{ text: "unreachable" }] });
  const proc = Bun.spawn(["bun", `${import.meta.dir}/scripts/vertex-adc.ts`, ...args], {
    env: { ...process.env, GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/loom-test-sa.json" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = JSON.parse(await new Response(proc.stdout).text()) as { kind: string; message: string };
  expect(out.kind).toBe("permanent");
  expect(out.message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
  expect(up.requests).toHaveLength(0);
}

async function collect(events: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("anthropic", () => {
  test("sends the key and marks system prompt, last tool and last user turn for caching", async () => {
    up.setScript({ turns: [{ text: "ok" }], apiKey: "sk-ant-test" });
    const llm = anthropic.create({ apiKey: "sk-ant-test", baseUrl: up.url });
    await collect(
      llm.stream({
        ...ask,
        model: "claude-sonnet-4-6",
        system: "sys",
        tools: [
          { name: "a", description: "A", inputSchema: { type: "object" } },
          { name: "b", description: "B", inputSchema: { type: "object" } },
        ],
      }),
    );
    const body = up.requests[0]?.body as {
      system: unknown[];
      tools: Record<string, unknown>[];
      messages: unknown[];
    };
    expect(up.requests[0]?.path).toBe("/v1/messages");
    expect(body.system).toEqual([{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }]);
    expect(body.tools.map((t) => t.cache_control)).toEqual([undefined, { type: "ephemeral" }]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] },
    ]);
  });

  test("prompt_caching = false sends no cache marks", async () => {
    up.setScript({ turns: [{ text: "ok" }] });
    const llm = anthropic.create({ apiKey: "k", baseUrl: up.url, settings: { prompt_caching: false } });
    await collect(llm.stream({ ...ask, system: "sys" }));
    expect(JSON.stringify(up.requests[0]?.body)).not.toContain("cache_control");
  });

  test("a wrong key is the upstream's 401, permanent", async () => {
    up.setScript({ turns: [{ text: "ok" }], apiKey: "right" });
    const err = await anthropic
      .create({ apiKey: "wrong", baseUrl: up.url })
      .complete(ask)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "permanent", status: 401 });
  });
});

describe("anthropic on vertex", () => {
  const create = (settings: Record<string, unknown> = {}) =>
    anthropic.create({
      baseUrl: `${up.url}/v1`,
      settings: {
        platform: "vertex",
        project: "proj-1",
        location: "us-east5",
        access_token: "ya29.t",
        ...settings,
      },
    });

  test("calls the publisher's rawPredict paths with a Google token, never an API key", async () => {
    up.setScript({ turns: [{ text: "ok" }, { text: "ok" }] });
    const llm = create();
    await collect(llm.stream({ ...ask, model: "claude-sonnet-4-6" }));
    await llm.complete({ ...ask, model: "claude-sonnet-4-6" });
    const base = "/v1/projects/proj-1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-6";
    expect(up.requests.map((r) => r.path)).toEqual([`${base}:streamRawPredict`, `${base}:rawPredict`]);
    expect(up.requests[0]?.headers.authorization).toBe("Bearer ya29.t");
    expect(up.requests[0]?.headers["x-api-key"]).toBeUndefined();
    // Vertex takes the model from the path and the API version in the body.
    expect(up.requests[0]?.body).not.toHaveProperty("model");
    expect(up.requests[0]?.body).toMatchObject({ anthropic_version: expect.any(String), stream: true });
  });

  test("no project is MISSING_CREDENTIALS; an unknown platform is CONFIG_INVALID", () => {
    expect(() => anthropic.create({ settings: { platform: "vertex" } })).toThrow("Google Cloud project");
    expect(() => anthropic.create({ apiKey: "k", settings: { platform: "bedrock" } })).toThrow(
      'expected "anthropic" or "vertex"',
    );
  });

  test("missing application-default credentials are a permanent error with the fix", async () => {
    await expectMissingAdc(`${up.url}/v1`, "claude");
  });
});

describe("openai", () => {
  test("a key is sent as a bearer token and usage is requested", async () => {
    up.setScript({ turns: [{ text: "ok" }] });
    await collect(openai.create({ apiKey: "sk-test", baseUrl: up.openaiUrl }).stream(ask));
    expect(up.requests[0]?.headers.authorization).toBe("Bearer sk-test");
    expect(up.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test("a custom base URL needs no key, and none is sent", async () => {
    up.setScript({ turns: [{ text: "ok" }] });
    const events = await collect(openai.create({ baseUrl: up.openaiUrl }).stream(ask));
    expect(events.at(-1)?.type).toBe("completed");
    expect(up.requests[0]?.headers.authorization).toBeUndefined();
  });

  test("api.openai.com without a key is MISSING_CREDENTIALS; a bad URL is CONFIG_INVALID", () => {
    expect(() => openai.create({})).toThrow("OPENAI_API_KEY");
    expect(() => openai.create({ baseUrl: "https://api.openai.com/v1" })).toThrow(LoomError);
    expect(() => openai.create({ baseUrl: "not a url" })).toThrow('base URL "not a url" is not a URL');
  });

  test("a compatible server that sends no usage chunk still completes, with zero usage", async () => {
    up.setScript({ turns: [{ text: ["a", "b"] }] });
    const llm = openai.create({ baseUrl: up.openaiUrl, settings: { streamUsage: false } });
    const events = await collect(llm.stream({ ...ask, maxTokens: 10 }));
    expect(events.at(-1)).toMatchObject({
      type: "completed",
      response: { usage: { inputTokens: 0, outputTokens: 0 } },
    });
    // Custom servers get the widely supported `max_tokens`.
    expect(up.requests[0]?.body).toMatchObject({ max_tokens: 10 });
    expect(up.requests[0]?.body).not.toHaveProperty("stream_options");
  });
});

describe("openai responses", () => {
  test("api = responses posts to /v1/responses, stateless, with non-strict function tools", async () => {
    up.setScript({ turns: [{ text: "ok" }] });
    const llm = openai.create({ apiKey: "k", baseUrl: up.openaiUrl, settings: { api: "responses" } });
    await collect(
      llm.stream({
        ...ask,
        system: "sys",
        maxTokens: 64,
        tools: [{ name: "a", description: "A", inputSchema: { type: "object" } }],
      }),
    );
    expect(up.requests[0]?.path).toBe("/v1/responses");
    expect(up.requests[0]?.body).toEqual({
      model: "m",
      instructions: "sys",
      input: [{ role: "user", content: "hi" }],
      store: false,
      tools: [
        { type: "function", name: "a", description: "A", parameters: { type: "object" }, strict: false },
      ],
      max_output_tokens: 64,
      stream: true,
    });
  });

  test("a max_output_tokens cut is max_tokens; an unknown api is CONFIG_INVALID", async () => {
    up.setScript({ turns: [{ text: ["par", "tial"], stop: "max_tokens" }] });
    const llm = openai.create({ apiKey: "k", baseUrl: up.openaiUrl, settings: { api: "responses" } });
    const events = await collect(llm.stream(ask));
    expect(events.at(-1)).toMatchObject({ type: "completed", response: { finishReason: "max_tokens" } });
    expect(() => openai.create({ apiKey: "k", settings: { api: "assistants" } })).toThrow(
      'expected "chat" or "responses"',
    );
  });
});

describe("vertex", () => {
  const create = () =>
    // Settings as config delivers them: snake_case keys, the token wrapped in a Secret.
    vertex.create({
      baseUrl: up.url,
      settings: { project: "proj-1", location: "europe-west4", access_token: new Secret("ya29.test") },
    });

  test("calls the regional Vertex path with the access token", async () => {
    up.setScript({ turns: [{ text: "ok" }, { text: "ok" }] });
    const llm = create();
    await collect(llm.stream({ ...ask, model: "gemini-2.5-flash" }));
    await llm.complete({ ...ask, model: "gemini-2.5-flash" });
    const base = "/v1/projects/proj-1/locations/europe-west4/publishers/google/models/gemini-2.5-flash";
    expect(up.requests.map((r) => r.path)).toEqual([
      `${base}:streamGenerateContent?alt=sse`,
      `${base}:generateContent`,
    ]);
    expect(up.requests[0]?.headers.authorization).toBe("Bearer ya29.test");
  });

  test("a Claude model is a permanent error pointing at the anthropic provider, nothing sent", async () => {
    up.setScript({ turns: [{ text: "unreachable" }] });
    const err = await collect(create().stream({ ...ask, model: "claude-sonnet-4-6" })).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ kind: "permanent" });
    expect((err as Error).message).toContain('anthropic provider with platform = "vertex"');
    expect(up.requests).toHaveLength(0);
  });

  test("a 429 takes its delay from the RetryInfo detail (Google sends no retry-after header)", async () => {
    // The fixture turns retry-after into a RetryInfo detail for Vertex and drops the header.
    up.setScript({
      turns: [{ error: { status: 429, message: "Quota exceeded", headers: { "retry-after": "4" } } }],
    });
    const err = await create()
      .complete(ask)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate_limited", retryAfterMs: 4000 });
  });

  test("missing application-default credentials are a permanent error with the fix", async () => {
    await expectMissingAdc(up.url);
  });
});

test("the three manifests are valid provider manifests", async () => {
  for (const dir of ["provider-anthropic", "provider-openai", "provider-vertex"]) {
    const file = `${import.meta.dir}/../../plugins/${dir}/loom-plugin.json`;
    const m = parseManifest(await Bun.file(file).json(), file);
    expect(m.kind).toBe("provider");
    expect(m.runtime).toBe("ts");
    const definition = (await import(`${import.meta.dir}/../../plugins/${dir}/${m.entry}`)).default;
    expect(definition.name).toBe(m.name);
    expect(m.permissions?.env).toContain(definition.apiKeyEnv);
  }
});
