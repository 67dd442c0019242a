import { expect, test } from "bun:test";
import { LlmError, type LlmEvent } from "@loom/runtime/llm";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { toResponsesEvents } from "./responses-stream.ts";

async function* of(events: unknown[]): AsyncGenerator<ResponseStreamEvent> {
  for (const e of events) yield e as ResponseStreamEvent;
}

async function run(events: unknown[]): Promise<LlmEvent[] | LlmError> {
  const out: LlmEvent[] = [];
  try {
    for await (const e of toResponsesEvents(of(events), "m")) out.push(e);
    return out;
  } catch (e) {
    return e as LlmError;
  }
}

const failed = (code: string | null) => ({
  type: "response.failed",
  sequence_number: 1,
  response: { error: code === null ? null : { code, message: `failed: ${code}` } },
});

test("a failed response is an LlmError whose kind follows its code", async () => {
  const kinds = await Promise.all(
    [null, "server_error", "rate_limit_exceeded", "invalid_prompt"].map(async (code) => {
      const err = await run([failed(code)]);
      if (!(err instanceof LlmError)) throw new Error("expected an LlmError");
      return err.kind;
    }),
  );
  expect(kinds).toEqual(["transient", "transient", "rate_limited", "permanent"]);
});

test("text, then a call whose arguments stream by output index; usage splits cached input", async () => {
  const events = await run([
    { type: "response.output_text.delta", output_index: 0, delta: "Hi" },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { type: "function_call", call_id: "c1", name: "a", arguments: "" },
    },
    { type: "response.function_call_arguments.delta", output_index: 1, delta: '{"x":' },
    { type: "response.function_call_arguments.delta", output_index: 1, delta: "1}" },
    {
      type: "response.completed",
      response: {
        model: "gpt-x",
        incomplete_details: null,
        usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 20 }, output_tokens: 5 },
      },
    },
  ]);
  if (events instanceof LlmError) throw events;
  expect(events.at(-1)).toEqual({
    type: "completed",
    response: {
      model: "gpt-x",
      message: { role: "assistant", content: "Hi", toolCalls: [{ id: "c1", name: "a", input: { x: 1 } }] },
      usage: { inputTokens: 30, outputTokens: 5, cacheReadTokens: 20 },
      finishReason: "tool_use",
    },
  });
});

test("a stream without response.completed is a truncated-stream error", async () => {
  const err = await run([{ type: "response.output_text.delta", output_index: 0, delta: "Hi" }]);
  expect(err).toBeInstanceOf(LlmError);
  expect((err as LlmError).message).toContain("ended before");
});
