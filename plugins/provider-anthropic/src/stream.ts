/** Turns Anthropic's raw SSE events into Loom's `LlmEvent`s. */
import type { RawMessageStreamEvent, StopReason } from "@anthropic-ai/sdk/resources/messages";
import type { LlmEvent, Usage } from "@loom/runtime/llm";
import { truncatedStreamError } from "@loom/runtime/providers/errors";
import { ResponseBuilder } from "@loom/runtime/providers/stream";
import { toFinishReason, toUsage } from "./convert.ts";
import { PROVIDER } from "./errors.ts";

export async function* toLlmEvents(
  events: AsyncIterable<RawMessageStreamEvent>,
  model: string,
): AsyncGenerator<LlmEvent> {
  const builder = new ResponseBuilder(PROVIDER);
  /** Anthropic content-block index -> Loom tool-call index. */
  const toolIndex = new Map<number, number>();
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let stop: StopReason | null = null;
  let actualModel = model;

  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        actualModel = event.message.model || model;
        usage = toUsage(event.message.usage, usage);
        // Input tokens are known now: a reply cancelled before message_stop still counts them.
        yield { type: "usage", usage };
        break;
      case "content_block_start":
        if (event.content_block.type === "tool_use") {
          const index = builder.toolCallCount;
          toolIndex.set(event.index, index);
          const { id, name } = event.content_block;
          yield builder.add({ type: "tool_call.start", index, id, name });
        } else if (event.content_block.type === "text" && event.content_block.text) {
          yield builder.add({ type: "text.delta", text: event.content_block.text });
        }
        break;
      case "content_block_delta": {
        const delta = event.delta;
        if (delta.type === "text_delta") {
          yield builder.add({ type: "text.delta", text: delta.text });
        } else if (delta.type === "input_json_delta") {
          const index = toolIndex.get(event.index);
          if (index !== undefined && delta.partial_json) {
            yield builder.add({ type: "tool_call.delta", index, argsDelta: delta.partial_json });
          }
        }
        break;
      }
      case "message_delta":
        stop = event.delta.stop_reason ?? stop;
        usage = toUsage(event.usage, usage);
        break;
      case "message_stop": {
        yield { type: "usage", usage };
        const response = builder.build(actualModel, toFinishReason(stop), usage);
        yield { type: "completed", response };
        return;
      }
      default:
        break;
    }
  }
  throw truncatedStreamError(PROVIDER);
}
