import { expect, test } from "bun:test";
import type { Message } from "../llm.ts";
import { INTERRUPTED, repairMessages } from "./repair.ts";

test("fills in results for tool calls a killed process never answered", () => {
  const ms: Message[] = [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: "",
      toolCalls: [
        { id: "a", name: "read_file", input: {} },
        { id: "b", name: "bash", input: {} },
      ],
    },
    { role: "tool", toolCallId: "a", name: "read_file", content: "ok" },
  ];
  expect(repairMessages(ms)).toEqual([
    ...ms,
    { role: "tool", toolCallId: "b", name: "bash", content: INTERRUPTED, isError: true },
  ]);
});

test("a complete history is unchanged", () => {
  const ms: Message[] = [
    { role: "user", content: "go" },
    { role: "assistant", content: "", toolCalls: [{ id: "a", name: "x", input: {} }] },
    { role: "tool", toolCallId: "a", name: "x", content: "ok" },
    { role: "assistant", content: "done" },
  ];
  expect(repairMessages(ms)).toEqual(ms);
});
