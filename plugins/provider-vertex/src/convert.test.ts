import { expect, test } from "bun:test";
import { FinishReason } from "@google/genai";
import type { Message } from "@loom/runtime/llm";
import {
  fromGeminiResponse,
  type SignatureStore,
  toFinishReason,
  toGeminiContents,
  toUsage,
} from "./convert.ts";

test("function calls without an id get a generated one that is not sent back", () => {
  const signatures: SignatureStore = new Map();
  const res = fromGeminiResponse(
    {
      candidates: [
        {
          content: {
            role: "model",
            parts: [{ functionCall: { name: "a", args: { x: 1 } }, thoughtSignature: "sig-1" }],
          },
          finishReason: FinishReason.STOP,
        },
      ],
    },
    "gemini",
    signatures,
  );
  const call = res.message.toolCalls?.[0];
  expect(res.finishReason).toBe("tool_use");
  expect(call?.id).toStartWith("loom-fc-");
  const history: Message[] = [
    { role: "user", content: "go" },
    res.message,
    { role: "tool", toolCallId: call?.id ?? "", name: "a", content: "done" },
  ];
  expect(toGeminiContents(history, signatures)).toEqual([
    { role: "user", parts: [{ text: "go" }] },
    { role: "model", parts: [{ functionCall: { name: "a", args: { x: 1 } }, thoughtSignature: "sig-1" }] },
    { role: "user", parts: [{ functionResponse: { name: "a", response: { output: "done" } } }] },
  ]);
});

test("responses to one turn's calls travel in one user content; errors use the error field", () => {
  const contents = toGeminiContents(
    [
      { role: "tool", toolCallId: "x1", name: "a", content: "ok" },
      { role: "tool", toolCallId: "x2", name: "b", content: "bad", isError: true },
      { role: "user", content: "next" },
    ],
    new Map(),
  );
  expect(contents).toEqual([
    {
      role: "user",
      parts: [
        { functionResponse: { id: "x1", name: "a", response: { output: "ok" } } },
        { functionResponse: { id: "x2", name: "b", response: { error: "bad" } } },
      ],
    },
    { role: "user", parts: [{ text: "next" }] },
  ]);
});

test("thought parts are not answer text; thinking tokens count as output", () => {
  const res = fromGeminiResponse(
    {
      candidates: [
        {
          content: { parts: [{ text: "hmm", thought: true }, { text: "Answer" }] },
          finishReason: FinishReason.MAX_TOKENS,
        },
      ],
      usageMetadata: {
        promptTokenCount: 50,
        cachedContentTokenCount: 10,
        candidatesTokenCount: 5,
        thoughtsTokenCount: 3,
      },
    },
    "gemini",
    new Map(),
  );
  expect(res.message.content).toBe("Answer");
  expect(res.finishReason).toBe("max_tokens");
  expect(res.usage).toEqual({ inputTokens: 40, outputTokens: 8, cacheReadTokens: 10 });
  expect(toUsage(undefined)).toEqual({ inputTokens: 0, outputTokens: 0 });
  expect(toFinishReason("SAFETY", false)).toBe("refusal");
});

test("an empty model turn is left out", () => {
  expect(toGeminiContents([{ role: "assistant", content: "" }], new Map())).toEqual([]);
});

test("images a tool returned travel as inline parts of its functionResponse", () => {
  const contents = toGeminiContents(
    [
      {
        role: "tool",
        toolCallId: "c1",
        name: "ev__img",
        content: "[image]",
        images: [{ mimeType: "image/png", data: "AAAA" }],
      },
    ],
    new Map(),
  );
  expect(contents).toEqual([
    {
      role: "user",
      parts: [
        {
          functionResponse: {
            id: "c1",
            name: "ev__img",
            response: { output: "[image]" },
            parts: [{ inlineData: { mimeType: "image/png", data: "AAAA" } }],
          },
        },
      ],
    },
  ]);
});
