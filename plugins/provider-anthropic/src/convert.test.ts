import { describe, expect, test } from "bun:test";
import type { Message } from "@loom/runtime/llm";
import { toAnthropicMessages, toAnthropicParams, toFinishReason } from "./convert.ts";

const tools = [
  { name: "a", description: "A", inputSchema: { type: "object" } },
  { name: "b", description: "B", inputSchema: { type: "object" } },
];

describe("toAnthropicParams", () => {
  test("prompt caching marks the system prompt, the last tool and the conversation's tail", () => {
    const p = toAnthropicParams(
      { model: "m", system: "sys", messages: [{ role: "user", content: "hi" }], tools },
      { promptCaching: true, defaultMaxTokens: 100 },
    );
    expect(p.system).toEqual([{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }]);
    expect(p.tools?.map((t) => "cache_control" in t)).toEqual([false, true]);
    expect(p.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] },
    ]);
    expect(p.max_tokens).toBe(100);
  });

  test("in a long tool loop the last two user turns are marked, nothing else (4 breakpoints in all)", () => {
    const turn = (n: number): Message[] => [
      { role: "assistant", content: "", toolCalls: [{ id: `t${n}`, name: "a", input: {} }] },
      { role: "tool", toolCallId: `t${n}`, name: "a", content: `out ${n}` },
    ];
    const messages: Message[] = [{ role: "user", content: "go" }, ...turn(1), ...turn(2), ...turn(3)];
    const p = toAnthropicParams(
      { model: "m", system: "sys", messages, tools },
      { promptCaching: true, defaultMaxTokens: 100 },
    );
    const marked = p.messages.flatMap((m, i) =>
      Array.isArray(m.content)
        ? m.content.flatMap((b, j) => ("cache_control" in b && b.cache_control ? [[i, j, b.type]] : []))
        : [],
    );
    // The previous request wrote its cache at out 2; this one reads it there and writes at out 3.
    expect(marked).toEqual([
      [4, 0, "tool_result"],
      [6, 0, "tool_result"],
    ]);
    expect(JSON.stringify(p).match(/cache_control/g)).toHaveLength(4);
  });

  test("without caching nothing is marked; the request's maxTokens wins", () => {
    const p = toAnthropicParams(
      { model: "m", system: "sys", messages: [], tools, maxTokens: 7 },
      { promptCaching: false, defaultMaxTokens: 100 },
    );
    expect(JSON.stringify(p)).not.toContain("cache_control");
    expect(p.max_tokens).toBe(7);
  });
});

test("tool results of one turn share a user message, followed by the next user text", () => {
  const messages: Message[] = [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: "",
      toolCalls: [
        { id: "t1", name: "a", input: {} },
        { id: "t2", name: "b", input: { x: 1 } },
      ],
    },
    { role: "tool", toolCallId: "t1", name: "a", content: "one" },
    { role: "tool", toolCallId: "t2", name: "b", content: "two", isError: true },
    { role: "user", content: "and?" },
  ];
  expect(toAnthropicMessages(messages)).toEqual([
    { role: "user", content: [{ type: "text", text: "go" }] },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: "t1", name: "a", input: {} },
        { type: "tool_use", id: "t2", name: "b", input: { x: 1 } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "t1", content: "one" },
        { type: "tool_result", tool_use_id: "t2", content: "two", is_error: true },
        { type: "text", text: "and?" },
      ],
    },
  ]);
});

test("stop reasons map onto Loom's finish reasons", () => {
  expect(toFinishReason("end_turn")).toBe("end_turn");
  expect(toFinishReason("tool_use")).toBe("tool_use");
  expect(toFinishReason("max_tokens")).toBe("max_tokens");
  expect(toFinishReason("model_context_window_exceeded")).toBe("max_tokens");
  expect(toFinishReason("stop_sequence")).toBe("stop_sequence");
  expect(toFinishReason("refusal")).toBe("refusal");
  expect(toFinishReason("pause_turn")).toBe("end_turn");
  expect(toFinishReason(null)).toBe("end_turn");
});

test("an empty assistant turn is left out", () => {
  expect(
    toAnthropicMessages([
      { role: "user", content: "a" },
      { role: "assistant", content: "" },
      { role: "user", content: "b" },
    ]),
  ).toEqual([
    {
      role: "user",
      content: [
        { type: "text", text: "a" },
        { type: "text", text: "b" },
      ],
    },
  ]);
});

test("a tool result with images sends them as image blocks of the tool_result", () => {
  const messages = toAnthropicMessages([
    { role: "assistant", content: "", toolCalls: [{ id: "t1", name: "ev__img", input: {} }] },
    {
      role: "tool",
      toolCallId: "t1",
      name: "ev__img",
      content: "[image image/png, 3 bytes, attached]",
      images: [{ mimeType: "image/png", data: "AAAA" }],
    },
  ]);
  expect(messages[1]).toEqual({
    role: "user",
    content: [
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "text", text: "[image image/png, 3 bytes, attached]" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
        ],
      },
    ],
  });
});
