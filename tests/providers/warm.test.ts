/**
 * `LlmClient.warm()`: the provider opens its connection before the first request (so the
 * handshake overlaps start-up), and a request after it works as usual.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import anthropic from "@loom/provider-anthropic";
import openai from "@loom/provider-openai";
import type { LlmClient } from "@loom/runtime/llm";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [{ text: "warm hello" }], onExhausted: "repeat" } });
});
afterAll(async () => {
  await up.stop();
});

/** A TCP listener that reports its first connection and whether any bytes came with it. */
async function listener() {
  let opened = (): void => {};
  const connected = new Promise<void>((resolve) => {
    opened = resolve;
  });
  let bytes = 0;
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open: () => opened(),
      data: (_s, data) => {
        bytes += data.length;
      },
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    connected,
    bytes: () => bytes,
    stop: () => server.stop(true),
  };
}

const clients: Array<[string, (baseUrl: string) => LlmClient, string]> = [
  ["anthropic", (baseUrl) => anthropic.create({ apiKey: "k", baseUrl }), "claude-sonnet-4-6"],
  ["openai", (baseUrl) => openai.create({ apiKey: "k", baseUrl: `${baseUrl}/v1` }), "gpt-5.1"],
];

test.each(clients)("%s: warm() connects before any request is made", async (_name, create) => {
  const l = await listener();
  try {
    const llm = create(l.url);
    expect(llm.warm).toBeFunction();
    llm.warm?.();
    await l.connected;
    expect(l.bytes()).toBe(0);
  } finally {
    l.stop();
  }
});

test.each(clients)("%s: a request after warm() streams as usual", async (_name, create, model) => {
  const llm = create(up.url);
  llm.warm?.();
  llm.warm?.();
  let text = "";
  for await (const e of llm.stream({ model, messages: [{ role: "user", content: "hi" }] }))
    if (e.type === "text.delta") text += e.text;
  expect(text).toBe("warm hello");
});
