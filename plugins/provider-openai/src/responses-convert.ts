/**
 * Pure conversion between Loom's message model and OpenAI's Responses API (`api = "responses"`).
 * Stateless: every request carries the whole conversation (`store: false`), as with Chat
 * Completions, so threads stay portable between providers.
 */
import {
  assistantMessage,
  type FinishReason,
  type LlmRequest,
  type LlmResponse,
  type Message,
  type ToolCall,
  type Usage,
} from "@loom/runtime/llm";
import { parseToolArgs } from "@loom/runtime/providers/stream";
import type {
  Response,
  ResponseCreateParamsBase,
  ResponseInputItem,
  ResponseUsage,
} from "openai/resources/responses/responses";
import { PROVIDER } from "./errors.ts";

export function toResponsesParams(request: LlmRequest): ResponseCreateParamsBase {
  const params: ResponseCreateParamsBase = {
    model: request.model,
    input: request.messages.flatMap(toResponsesInput),
    store: false,
  };
  if (request.system) params.instructions = request.system;
  if (request.tools?.length) {
    params.tools = request.tools.map((t) => ({
      type: "function",
      name: t.name,
      description: t.description,
      parameters: t.inputSchema,
      // Loom's schemas are not written for strict mode (every property required, no extras).
      strict: false,
    }));
  }
  if (request.maxTokens !== undefined) params.max_output_tokens = request.maxTokens;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  return params;
}

/** One Loom message as Responses input items: tool calls and their outputs are items of their own. */
export function toResponsesInput(m: Message): ResponseInputItem[] {
  switch (m.role) {
    case "user":
      return m.images?.length
        ? [
            {
              role: "user",
              content: [
                { type: "input_text", text: m.content },
                ...m.images.map((i) => ({
                  type: "input_image" as const,
                  image_url: `data:${i.mimeType};base64,${i.data}`,
                  detail: "auto" as const,
                })),
              ],
            },
          ]
        : [{ role: "user", content: m.content }];
    case "tool":
      return [
        {
          type: "function_call_output",
          call_id: m.toolCallId,
          output: m.images?.length
            ? [
                { type: "input_text", text: m.isError ? `Error: ${m.content}` : m.content },
                ...m.images.map((i) => ({
                  type: "input_image" as const,
                  image_url: `data:${i.mimeType};base64,${i.data}`,
                  detail: "auto" as const,
                })),
              ]
            : m.isError
              ? `Error: ${m.content}`
              : m.content,
        },
      ];
    case "assistant": {
      const items: ResponseInputItem[] = m.content ? [{ role: "assistant", content: m.content }] : [];
      for (const c of m.toolCalls ?? []) {
        items.push({
          type: "function_call",
          call_id: c.id,
          name: c.name,
          arguments: JSON.stringify(c.input ?? {}),
        });
      }
      return items;
    }
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

/** `input_tokens` includes cached tokens; Loom's `inputTokens` does not. */
export function toResponsesUsage(u: ResponseUsage | null | undefined): Usage {
  const cached = u?.input_tokens_details?.cached_tokens ?? 0;
  const usage: Usage = { inputTokens: (u?.input_tokens ?? 0) - cached, outputTokens: u?.output_tokens ?? 0 };
  if (cached) usage.cacheReadTokens = cached;
  return usage;
}

export function toResponsesFinish(
  response: Pick<Response, "incomplete_details">,
  calls: number,
): FinishReason {
  if (calls > 0) return "tool_use";
  switch (response.incomplete_details?.reason) {
    case "max_output_tokens":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}

export function fromResponse(response: Response): LlmResponse {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const item of response.output) {
    if (item.type === "message") {
      for (const part of item.content) if (part.type === "output_text") text += part.text;
    } else if (item.type === "function_call") {
      toolCalls.push({
        id: item.call_id,
        name: item.name,
        input: parseToolArgs(PROVIDER, item.name, item.arguments),
      });
    }
  }
  return {
    model: response.model,
    message: assistantMessage(text, toolCalls),
    usage: toResponsesUsage(response.usage),
    finishReason: toResponsesFinish(response, toolCalls.length),
  };
}
