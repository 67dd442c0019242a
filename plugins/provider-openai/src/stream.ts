/** Turns Chat Completions stream chunks into Loom's `LlmEvent`s. */
import type { LlmEvent, Usage } from "@loom/runtime/llm";
import { truncatedStreamError } from "@loom/runtime/providers/errors";
import { ResponseBuilder } from "@loom/runtime/providers/stream";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { toFinishReason, toUsage } from "./convert.ts";
import { PROVIDER } from "./errors.ts";

export async function* toLlmEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  model: string,
): AsyncGenerator<LlmEvent> {
  const builder = new ResponseBuilder(PROVIDER);
  /** OpenAI tool-call index -> Loom tool-call index. */
  const toolIndex = new Map<number, number>();
  let finish: string | null = null;
  let usage: Usage | undefined;
  let actualModel = model;

  for await (const chunk of chunks) {
    if (chunk.model) actualModel = chunk.model;
    if (chunk.usage) usage = toUsage(chunk.usage);
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta;
    if (delta?.content) yield builder.add({ type: "text.delta", text: delta.content });
    for (const call of delta?.tool_calls ?? []) {
      let index = toolIndex.get(call.index);
      if (index === undefined) {
        index = builder.toolCallCount;
        toolIndex.set(call.index, index);
        // Some compatible servers omit the id; Loom needs one to pair the result.
        const id = call.id || `call_${crypto.randomUUID().slice(0, 8)}`;
        yield builder.add({ type: "tool_call.start", index, id, name: call.function?.name ?? "" });
      }
      const args = call.function?.arguments;
      if (args) yield builder.add({ type: "tool_call.delta", index, argsDelta: args });
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  if (finish === null) throw truncatedStreamError(PROVIDER);
  const finalUsage = usage ?? { inputTokens: 0, outputTokens: 0 };
  yield { type: "usage", usage: finalUsage };
  yield { type: "completed", response: builder.build(actualModel, toFinishReason(finish), finalUsage) };
}
