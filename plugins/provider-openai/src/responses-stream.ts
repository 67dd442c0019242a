/** Turns Responses API stream events into Loom's `LlmEvent`s. */
import type { LlmEvent } from "@loom/runtime/llm";
import { errorFromStatus, truncatedStreamError } from "@loom/runtime/providers/errors";
import { ResponseBuilder } from "@loom/runtime/providers/stream";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { PROVIDER } from "./errors.ts";
import { toResponsesFinish, toResponsesUsage } from "./responses-convert.ts";

export async function* toResponsesEvents(
  events: AsyncIterable<ResponseStreamEvent>,
  model: string,
): AsyncGenerator<LlmEvent> {
  const builder = new ResponseBuilder(PROVIDER);
  /** Output item index -> Loom tool-call index. */
  const toolIndex = new Map<number, number>();

  for await (const event of events) {
    switch (event.type) {
      case "response.output_item.added":
        if (event.item.type === "function_call") {
          const index = builder.toolCallCount;
          toolIndex.set(event.output_index, index);
          yield builder.add({
            type: "tool_call.start",
            index,
            id: event.item.call_id,
            name: event.item.name,
          });
          if (event.item.arguments) {
            yield builder.add({ type: "tool_call.delta", index, argsDelta: event.item.arguments });
          }
        }
        break;
      case "response.output_text.delta":
        if (event.delta) yield builder.add({ type: "text.delta", text: event.delta });
        break;
      case "response.function_call_arguments.delta": {
        const index = toolIndex.get(event.output_index);
        if (index !== undefined && event.delta) {
          yield builder.add({ type: "tool_call.delta", index, argsDelta: event.delta });
        }
        break;
      }
      case "response.completed":
      case "response.incomplete": {
        const { response } = event;
        const usage = toResponsesUsage(response.usage);
        yield { type: "usage", usage };
        const finish = toResponsesFinish(response, builder.toolCallCount);
        yield { type: "completed", response: builder.build(response.model || model, finish, usage) };
        return;
      }
      case "response.failed": {
        const error = event.response.error;
        throw errorFromStatus(PROVIDER, statusOf(error?.code), error?.message ?? "the response failed");
      }
      default:
        break;
    }
  }
  throw truncatedStreamError(PROVIDER);
}

/** A failed response carries a code, not a status: server trouble is retried, bad input is not. */
function statusOf(code: string | null | undefined): number {
  if (!code) return 500;
  if (code.includes("rate_limit")) return 429;
  if (code === "server_error" || code.includes("timeout")) return 500;
  return 400;
}
