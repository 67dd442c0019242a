/**
 * Time to the first text delta: each provider's Loom `LlmClient` vs its official SDK called
 * directly, both streaming from the same local fake upstream, runs interleaved. The difference is
 * what Loom's provider layer adds (conversion, guards, event mapping); goal: <= 5 ms each.
 */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import anthropic from "@loom/provider-anthropic";
import openai from "@loom/provider-openai";
import vertex from "@loom/provider-vertex";
import type { LlmClient, LlmRequest } from "@loom/runtime/llm";
import { StaticTokenAuth } from "@loom/runtime/providers/google-auth";
import OpenAI from "openai";
import { startFakeUpstream } from "../tests/fixtures/fake-upstream/server.ts";
import { alternate } from "./alternate.ts";
import { type BenchResult, median, medianOver } from "./types.ts";

const RUNS = 60;
const WARMUP = 5;
const GOAL_MS = 5;
const SYSTEM = "You are Loom.";
const PROMPT = "Hi";

/** Milliseconds until the first text delta, draining the rest of the stream. */
async function firstDelta<E>(events: AsyncIterable<E>, isText: (e: E) => boolean, start: number) {
  let first = 0;
  for await (const e of events) if (!first && isText(e)) first = performance.now() - start;
  return first;
}

function viaLoom(llm: LlmClient, model: string): () => Promise<number> {
  const request: LlmRequest = { model, system: SYSTEM, messages: [{ role: "user", content: PROMPT }] };
  return () => {
    const start = performance.now();
    return firstDelta(llm.stream(request), (e) => e.type === "text.delta", start);
  };
}

async function compare(
  name: string,
  sdkName: string,
  loom: () => Promise<number>,
  sdk: () => Promise<number>,
): Promise<BenchResult[]> {
  const [loomTimes, sdkTimes] = await alternate({ runs: RUNS, warmup: WARMUP }, loom, sdk);
  const overhead = median(loomTimes) - median(sdkTimes);
  return [
    medianOver({
      name: `first text delta, ${name} via Loom LlmClient (median)`,
      xs: loomTimes,
      baseline: { name: `direct ${sdkName} stream`, xs: sdkTimes },
      over: "direct SDK",
      within: GOAL_MS,
    }),
    {
      name: `${name} LlmClient overhead to first text delta`,
      value: overhead,
      unit: "ms",
      goal: `<= ${GOAL_MS} ms`,
      ok: overhead <= GOAL_MS,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const up = await startFakeUpstream({
    script: { turns: [{ text: ["Hello", " from", " the", " fake", " upstream."] }], onExhausted: "repeat" },
  });
  try {
    const claude = new Anthropic({ apiKey: "bench-key", baseURL: up.url, maxRetries: 0, logLevel: "off" });
    const gpt = new OpenAI({ apiKey: "bench-key", baseURL: up.openaiUrl, maxRetries: 0, logLevel: "off" });
    const gemini = new GoogleGenAI({
      vertexai: true,
      project: "bench",
      location: "us-central1",
      googleAuthOptions: { authClient: new StaticTokenAuth("bench-token") },
      httpOptions: { baseUrl: up.url },
    });
    const vertexSettings = { project: "bench", location: "us-central1", accessToken: "bench-token" };
    return [
      ...(await compare(
        "Anthropic",
        "@anthropic-ai/sdk",
        viaLoom(anthropic.create({ apiKey: "bench-key", baseUrl: up.url }), "claude-sonnet-4-6"),
        async () => {
          const start = performance.now();
          const stream = await claude.messages.create({
            model: "claude-sonnet-4-6",
            max_tokens: 8192,
            system: SYSTEM,
            messages: [{ role: "user", content: PROMPT }],
            stream: true,
          });
          return firstDelta(stream, (e) => e.type === "content_block_delta", start);
        },
      )),
      ...(await compare(
        "OpenAI",
        "openai",
        viaLoom(openai.create({ apiKey: "bench-key", baseUrl: up.openaiUrl }), "gpt-5.1"),
        async () => {
          const start = performance.now();
          const stream = await gpt.chat.completions.create({
            model: "gpt-5.1",
            messages: [
              { role: "system", content: SYSTEM },
              { role: "user", content: PROMPT },
            ],
            stream: true,
            stream_options: { include_usage: true },
          });
          return firstDelta(stream, (c) => Boolean(c.choices[0]?.delta?.content), start);
        },
      )),
      ...(await compare(
        "Vertex Gemini",
        "@google/genai",
        viaLoom(vertex.create({ baseUrl: up.url, settings: vertexSettings }), "gemini-2.5-pro"),
        async () => {
          const start = performance.now();
          const stream = await gemini.models.generateContentStream({
            model: "gemini-2.5-pro",
            contents: [{ role: "user", parts: [{ text: PROMPT }] }],
            config: { systemInstruction: SYSTEM },
          });
          return firstDelta(stream, (c) => Boolean(c.text), start);
        },
      )),
    ];
  } finally {
    await up.stop();
  }
}
