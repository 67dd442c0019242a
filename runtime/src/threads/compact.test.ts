import { describe, expect, test } from "bun:test";
import type { LlmClient, LlmRequest, Message } from "../llm.ts";
import { LlmError } from "../llm.ts";
import { compactMessages, estimateTokens, extractiveSummary, llmSummarizer, turnStart } from "./compact.ts";

function turn(i: number, outputChars: number): Message[] {
  return [
    { role: "user", content: `request ${i}` },
    {
      role: "assistant",
      content: "",
      toolCalls: [{ id: `c${i}`, name: "read_file", input: { path: `src/f${i}.ts` } }],
    },
    { role: "tool", toolCallId: `c${i}`, name: "read_file", content: "x".repeat(outputChars) },
    { role: "assistant", content: `done ${i}` },
  ];
}
const convo = (turns: number, chars: number) =>
  Array.from({ length: turns }, (_, i) => turn(i, chars)).flat();

describe("compaction", () => {
  test("leaves a conversation that fits alone", async () => {
    const ms = convo(3, 100);
    const r = await compactMessages(ms, { contextWindow: 100_000, reserveTokens: 1000 });
    expect(r.stage).toBe("none");
    expect(r.messages).toBe(ms);
  });

  test("prunes old tool output first, keeping recent turns verbatim", async () => {
    const ms = convo(6, 4000); // ~6000 tokens
    const r = await compactMessages(ms, { contextWindow: 6000, reserveTokens: 0, threshold: 0.9 });
    expect(r.stage).toBe("pruned");
    expect(r.afterTokens).toBeLessThan(r.beforeTokens);
    const tools = r.messages.filter((m) => m.role === "tool");
    expect(tools.slice(0, 4).every((m) => m.content.startsWith("[output pruned"))).toBe(true);
    expect(tools.slice(4).every((m) => m.content.length === 4000)).toBe(true);
    expect(r.messages).toHaveLength(ms.length);
  });

  test("summarises with the model when pruning is not enough; roles still alternate", async () => {
    const ms = convo(40, 100);
    const seen: LlmRequest[] = [];
    const llm: LlmClient = {
      provider: "fake",
      async complete(req) {
        seen.push(req);
        return {
          model: req.model,
          message: { role: "assistant", content: "They read forty files." },
          usage: { inputTokens: 1, outputTokens: 1 },
          finishReason: "end_turn",
        };
      },
      stream() {
        throw new Error("unused");
      },
    };
    const r = await compactMessages(ms, {
      contextWindow: 1000,
      reserveTokens: 0,
      summarize: llmSummarizer(llm, "m"),
    });
    expect(r.stage).toBe("summarized");
    expect(r.summarySource).toBe("llm");
    expect(seen[0]?.messages[0]?.content).toContain("request 0");
    expect(r.messages[0]?.role).toBe("user");
    expect(r.messages[0]?.content).toContain("They read forty files.");
    expect(r.messages[0]?.content).toContain("request 38");
    expect(r.messages.at(-1)).toEqual({ role: "assistant", content: "done 39" });
    expect(r.afterTokens).toBeLessThan(1000);
  });

  test("falls back to an extractive summary when the model fails", async () => {
    const ms = convo(40, 100);
    const failing = async () => {
      throw new LlmError("transient", "overloaded");
    };
    const r = await compactMessages(ms, { contextWindow: 1000, reserveTokens: 0, summarize: failing });
    expect(r.summarySource).toBe("extractive");
    expect(r.messages[0]?.content).toContain("Files involved: src/f0.ts");
  });

  test("helpers", () => {
    const ms = convo(3, 10);
    expect(turnStart(ms, 1)).toBe(8);
    expect(turnStart(ms, 5)).toBe(0);
    expect(estimateTokens([{ role: "user", content: "x".repeat(400) }])).toBe(104);
    // An image counts for its share of the window, not for its base64 length.
    const image = { mimeType: "image/png", data: "A".repeat(40_000) };
    expect(estimateTokens([{ role: "user", content: "x".repeat(400), images: [image, image] }])).toBe(
      104 + 3200,
    );
    const s = extractiveSummary([
      { role: "user", content: "run tests" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "1", name: "bash", input: { command: "bun test" } }],
      },
    ]);
    expect(s).toContain("- run tests");
    expect(s).toContain("Commands run:\n- bun test");
  });
});

test("one huge turn (nothing before it to summarise) gets its older tool output pruned", async () => {
  const ms = convo(1, 10).slice(0, 1);
  for (let i = 0; i < 6; i++) {
    ms.push(
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: `t${i}`, name: "read_file", input: { path: `f${i}` } }],
      },
      { role: "tool", toolCallId: `t${i}`, name: "read_file", content: "y".repeat(4000) },
    );
  }
  const r = await compactMessages(ms, { contextWindow: 4000, reserveTokens: 0 });
  expect(r.stage).toBe("pruned");
  expect(r.summarySource).toBeUndefined();
  expect(r.messages).toHaveLength(ms.length);
  expect(r.messages.at(-1)?.content).toHaveLength(4000);
  expect(r.messages[2]?.content).toStartWith("[output pruned");
});
