import { expect, test } from "bun:test";
import { toFinishReason, toOpenAiMessage, toOpenAiParams, toUsage } from "./convert.ts";

test("system prompt leads; tools are functions; maxTokens uses the configured field", () => {
  const request = {
    model: "m",
    system: "sys",
    messages: [{ role: "user" as const, content: "hi" }],
    tools: [{ name: "a", description: "A", inputSchema: { type: "object" } }],
    maxTokens: 50,
  };
  const official = toOpenAiParams(request, { maxTokensField: "max_completion_tokens" });
  expect(official.messages[0]).toEqual({ role: "system", content: "sys" });
  expect(official.tools).toEqual([
    { type: "function", function: { name: "a", description: "A", parameters: { type: "object" } } },
  ]);
  expect(official.max_completion_tokens).toBe(50);
  expect(official.max_tokens).toBeUndefined();
  expect(toOpenAiParams(request, { maxTokensField: "max_tokens" }).max_tokens).toBe(50);
});

test("assistant tool calls carry JSON string arguments; tool errors are marked in the content", () => {
  expect(
    toOpenAiMessage({ role: "assistant", content: "", toolCalls: [{ id: "c", name: "a", input: { x: 1 } }] }),
  ).toEqual({
    role: "assistant",
    content: null,
    tool_calls: [{ id: "c", type: "function", function: { name: "a", arguments: '{"x":1}' } }],
  });
  expect(
    toOpenAiMessage({ role: "tool", toolCallId: "c", name: "a", content: "boom", isError: true }),
  ).toEqual({
    role: "tool",
    tool_call_id: "c",
    content: "Error: boom",
  });
});

test("cached prompt tokens are split out of the input count", () => {
  expect(
    toUsage({ prompt_tokens: 130, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 30 } }),
  ).toEqual({
    inputTokens: 100,
    outputTokens: 20,
    cacheReadTokens: 30,
  });
  expect(toUsage(undefined)).toEqual({ inputTokens: 0, outputTokens: 0 });
});

test("finish reasons", () => {
  expect(toFinishReason("stop")).toBe("end_turn");
  expect(toFinishReason("tool_calls")).toBe("tool_use");
  expect(toFinishReason("length")).toBe("max_tokens");
  expect(toFinishReason("content_filter")).toBe("refusal");
});

test("images tools returned follow the turn's tool messages as one user message (tool messages carry text only)", () => {
  const img = { mimeType: "image/png", data: "AAAA" };
  const p = toOpenAiParams(
    {
      model: "m",
      messages: [
        {
          role: "assistant",
          content: "",
          toolCalls: [
            { id: "c1", name: "ev__img", input: {} },
            { id: "c2", name: "ev__echo", input: {} },
          ],
        },
        { role: "tool", toolCallId: "c1", name: "ev__img", content: "[image]", images: [img] },
        { role: "tool", toolCallId: "c2", name: "ev__echo", content: "hi" },
      ],
    },
    { maxTokensField: "max_tokens" },
  );
  expect(p.messages.map((m) => m.role)).toEqual(["assistant", "tool", "tool", "user"]);
  expect(p.messages[3]).toEqual({
    role: "user",
    content: [
      { type: "text", text: "Images returned by ev__img (call c1):" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
    ],
  });
});

test("Responses: a function_call_output with images is a list of input_text and input_image", async () => {
  const { toResponsesInput } = await import("./responses-convert.ts");
  expect(
    toResponsesInput({
      role: "tool",
      toolCallId: "c1",
      name: "ev__img",
      content: "[image]",
      images: [{ mimeType: "image/png", data: "AAAA" }],
    }),
  ).toEqual([
    {
      type: "function_call_output",
      call_id: "c1",
      output: [
        { type: "input_text", text: "[image]" },
        { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" },
      ],
    },
  ]);
});
