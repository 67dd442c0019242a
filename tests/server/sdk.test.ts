/**
 * The official SDKs pointed at the server's pass-through routes, with the fake upstream behind the
 * server: the SDK holds only a Loom token, the server swaps in its key, responses come back as-is.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { tempDir } from "./_helpers.ts";

const ANTHROPIC_KEY = "sk-ant-sdk-test-0123456789";
const OPENAI_KEY = "sk-openai-sdk-test-0123456789";
let up: FakeUpstream;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      turns: [{ text: ["Hel", "lo"], usage: { input: 21, output: 5 } }],
      onExhausted: "repeat",
      models: ["claude-sonnet-4-6", "claude-haiku-4-5", "gpt-4o", "gpt-4o-mini", "o3"],
    },
  });
  server = await startServer({
    port: 0,
    dbPath: join(tempDir(), "server.db"),
    env: {
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: up.url,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: up.openaiUrl,
      LOOM_SERVER_ALLOWED_MODELS: "claude-*,gpt-4o",
    },
    logSink: () => {},
  });
  token = createToken(server.db, { name: "sdk-user" }).token;
});

afterAll(async () => {
  await server?.stop();
  await up?.stop();
});

const usageOf = (provider: string) =>
  server.db.$client
    .query<{ requests: number; input_tokens: number; output_tokens: number }, [string]>(
      "SELECT sum(requests) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens FROM usage WHERE provider = ?",
    )
    .get(provider);

describe("official SDKs through the pass-through", () => {
  test("Anthropic SDK: x-api-key lt_… token, non-streaming and streaming", async () => {
    const client = new Anthropic({ baseURL: `${server.url}/proxy/anthropic`, apiKey: token, maxRetries: 0 });
    const msg = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual(["Hello"]);

    const stream = client.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const deltas: string[] = [];
    stream.on("text", (t) => deltas.push(t));
    const final = await stream.finalMessage();
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(final.usage.output_tokens).toBe(5);

    const sent = up.requests.filter((r) => r.provider === "anthropic");
    expect(sent.map((r) => r.headers["x-api-key"])).toEqual([ANTHROPIC_KEY, ANTHROPIC_KEY]);
    expect(sent.every((r) => !JSON.stringify(r.headers).includes(token))).toBe(true);
    expect(usageOf("anthropic")).toEqual({ requests: 2, input_tokens: 42, output_tokens: 10 });
  });

  test("OpenAI SDK: Bearer lt_… token, non-streaming and streaming with usage", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/proxy/openai/v1`, apiKey: token, maxRetries: 0 });
    const done = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(done.choices[0]?.message.content).toBe("Hello");

    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const parts: string[] = [];
    for await (const chunk of stream) parts.push(chunk.choices[0]?.delta?.content ?? "");
    expect(parts.join("")).toBe("Hello");

    const sent = up.requests.filter((r) => r.provider === "openai");
    expect(sent.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${OPENAI_KEY}`,
      `Bearer ${OPENAI_KEY}`,
    ]);
    expect(usageOf("openai")).toEqual({ requests: 2, input_tokens: 42, output_tokens: 10 });
  });

  test("the SDKs see the server's errors: 401 for a bad token, 403 for a model off the allowlist", async () => {
    const bad = new Anthropic({
      baseURL: `${server.url}/proxy/anthropic`,
      apiKey: "lt_wrong",
      maxRetries: 0,
    });
    const e1 = await bad.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(Anthropic.AuthenticationError);

    const oa = new OpenAI({ baseURL: `${server.url}/proxy/openai/v1`, apiKey: token, maxRetries: 0 });
    const e2 = await oa.chat.completions
      .create({ model: "gpt-3.5-turbo", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  test("models.list() through the pass-through shows the upstream's models the allowlist lets through", async () => {
    const anthropic = new Anthropic({
      baseURL: `${server.url}/proxy/anthropic`,
      apiKey: token,
      maxRetries: 0,
    });
    const page = await anthropic.models.list();
    // The fake lists the same five ids to both; the allowlist (claude-*, gpt-4o) keeps three of them.
    expect(page.data.map((m) => m.id)).toEqual(["claude-sonnet-4-6", "claude-haiku-4-5", "gpt-4o"]);
    const openai = new OpenAI({ baseURL: `${server.url}/proxy/openai/v1`, apiKey: token, maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(["claude-sonnet-4-6", "claude-haiku-4-5", "gpt-4o"]);
    const refused = await new Anthropic({
      baseURL: `${server.url}/proxy/anthropic`,
      apiKey: "lt_wrong",
      maxRetries: 0,
    }).models
      .list()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);

    // One model: an allowed one answers; one off the allowlist is refused before any upstream call.
    expect((await anthropic.models.retrieve("claude-haiku-4-5")).id).toBe("claude-haiku-4-5");
    expect((await openai.models.retrieve("gpt-4o")).id).toBe("gpt-4o");
    expect(await openai.models.retrieve("o3").catch((e: unknown) => e)).toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );
    expect(await anthropic.models.retrieve("claude-nope").catch((e: unknown) => e)).toBeInstanceOf(
      Anthropic.NotFoundError,
    );
  });
});
