/**
 * Time to the first text delta: Loom's Anthropic `LlmClient` vs the Anthropic SDK called directly,
 * both streaming from the same local fake upstream, runs interleaved. The difference is what
 * Loom's provider layer adds (conversion, guards, event mapping); goal: <= 5 ms.
 */
import Anthropic from "@anthropic-ai/sdk";
import anthropic from "@loom/provider-anthropic";
import type { LlmRequest } from "@loom/runtime/llm";
import { startFakeUpstream } from "../tests/fixtures/fake-upstream/server.ts";
import { type BenchResult, median } from "./types.ts";

const RUNS = 60;
const WARMUP = 5;
const GOAL_MS = 5;
const MODEL = "claude-sonnet-4-6";

export async function run(): Promise<BenchResult[]> {
  const up = await startFakeUpstream({
    script: { turns: [{ text: ["Hello", " from", " the", " fake", " upstream."] }], onExhausted: "repeat" },
  });
  try {
    const loom = anthropic.create({ apiKey: "bench-key", baseUrl: up.url });
    const sdk = new Anthropic({ apiKey: "bench-key", baseURL: up.url, maxRetries: 0, logLevel: "off" });
    const request: LlmRequest = {
      model: MODEL,
      system: "You are Loom.",
      messages: [{ role: "user", content: "Hi" }],
    };

    async function viaLoom(): Promise<number> {
      const start = performance.now();
      let first = 0;
      for await (const e of loom.stream(request)) {
        if (e.type === "text.delta" && !first) first = performance.now() - start;
      }
      return first;
    }

    async function viaSdk(): Promise<number> {
      const start = performance.now();
      let first = 0;
      const stream = await sdk.messages.create({
        model: MODEL,
        max_tokens: 8192,
        system: "You are Loom.",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      });
      for await (const e of stream) {
        if (e.type === "content_block_delta" && e.delta.type === "text_delta" && !first) {
          first = performance.now() - start;
        }
      }
      return first;
    }

    const loomTimes: number[] = [];
    const sdkTimes: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      // Alternate the order so neither side always runs second on a warm connection.
      let loomMs: number;
      let sdkMs: number;
      if (i % 2) {
        loomMs = await viaLoom();
        sdkMs = await viaSdk();
      } else {
        sdkMs = await viaSdk();
        loomMs = await viaLoom();
      }
      if (i >= WARMUP) {
        loomTimes.push(loomMs);
        sdkTimes.push(sdkMs);
      }
    }
    const loomMs = median(loomTimes);
    const sdkMs = median(sdkTimes);
    const overhead = loomMs - sdkMs;
    return [
      {
        name: "first text delta, Anthropic via Loom LlmClient (median)",
        value: loomMs,
        unit: "ms",
        goal: `<= direct SDK + ${GOAL_MS} ms`,
        ok: overhead <= GOAL_MS,
        baseline: { name: "direct @anthropic-ai/sdk stream", value: sdkMs },
        ratio: loomMs / sdkMs,
      },
      {
        name: "LlmClient overhead to first text delta",
        value: overhead,
        unit: "ms",
        goal: `<= ${GOAL_MS} ms`,
        ok: overhead <= GOAL_MS,
      },
    ];
  } finally {
    await up.stop();
  }
}
