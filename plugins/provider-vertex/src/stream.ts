/** Turns Gemini stream chunks into Loom's `LlmEvent`s. Gemini sends each function call whole. */
import type { GenerateContentResponse } from "@google/genai";
import type { LlmEvent, Usage } from "@loom/runtime/llm";
import { truncatedStreamError } from "@loom/runtime/providers/errors";
import { ResponseBuilder } from "@loom/runtime/providers/stream";
import { type SignatureStore, textOf, toFinishReason, toToolCall, toUsage } from "./convert.ts";
import { PROVIDER } from "./errors.ts";

export async function* toLlmEvents(
  chunks: AsyncIterable<GenerateContentResponse>,
  model: string,
  signatures: SignatureStore,
): AsyncGenerator<LlmEvent> {
  const builder = new ResponseBuilder(PROVIDER);
  let finish: string | undefined;
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let actualModel = model;

  for await (const chunk of chunks) {
    if (chunk.modelVersion) actualModel = chunk.modelVersion;
    if (chunk.usageMetadata) usage = toUsage(chunk.usageMetadata);
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      const text = textOf(part);
      if (text) yield builder.add({ type: "text.delta", text });
      const call = toToolCall(part, signatures);
      if (call) {
        const index = builder.toolCallCount;
        yield builder.add({ type: "tool_call.start", index, id: call.id, name: call.name });
        yield builder.add({ type: "tool_call.delta", index, argsDelta: JSON.stringify(call.input) });
      }
    }
    if (candidate?.finishReason) finish = candidate.finishReason;
  }
  if (finish === undefined) throw truncatedStreamError(PROVIDER);
  yield { type: "usage", usage };
  const response = builder.build(actualModel, toFinishReason(finish, builder.toolCallCount > 0), usage);
  yield { type: "completed", response };
}
