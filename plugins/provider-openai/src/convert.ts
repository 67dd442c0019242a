/** Pure conversion between Loom's message model and OpenAI Chat Completions. */

import {
  assistantMessage,
  type FinishReason,
  type ImagePart,
  type LlmRequest,
  type LlmResponse,
  type Message,
  type ToolCall,
  type Usage,
} from "@loom/runtime/llm";
import { parseToolArgs } from "@loom/runtime/providers/stream";
import type {
  ChatCompletion,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from "openai/resources/chat/completions";
import { PROVIDER } from "./errors.ts";

export interface ConvertOptions {
  /** `max_completion_tokens` for api.openai.com; many compatible servers only know `max_tokens`. */
  maxTokensField: "max_tokens" | "max_completion_tokens";
}

export function toOpenAiParams(request: LlmRequest, opts: ConvertOptions): ChatCompletionCreateParamsBase {
  const messages: ChatCompletionMessageParam[] = request.system
    ? [{ role: "system", content: request.system }]
    : [];
  messages.push(...withToolImages(request.messages));
  const params: ChatCompletionCreateParamsBase = { model: request.model, messages };
  if (request.tools?.length) {
    params.tools = request.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    }));
  }
  if (request.maxTokens !== undefined) params[opts.maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  return params;
}

/**
 * The messages, in order. A Chat Completions tool message carries text only, so the images tools
 * returned (MCP tools) follow the turn's tool messages as one user message naming the calls.
 */
function withToolImages(messages: readonly Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  let images: ChatCompletionContentPart[] = [];
  messages.forEach((m, i) => {
    out.push(toOpenAiMessage(m));
    if (m.role !== "tool") return;
    if (m.images?.length)
      images.push(
        { type: "text", text: `Images returned by ${m.name} (call ${m.toolCallId}):` },
        ...m.images.map((img) => imageUrlPart(img)),
      );
    if (images.length && messages[i + 1]?.role !== "tool") {
      out.push({ role: "user", content: images });
      images = [];
    }
  });
  return out;
}

function imageUrlPart(i: ImagePart): ChatCompletionContentPart {
  return { type: "image_url", image_url: { url: `data:${i.mimeType};base64,${i.data}` } };
}

export function toOpenAiMessage(m: Message): ChatCompletionMessageParam {
  switch (m.role) {
    case "user":
      return m.images?.length
        ? {
            role: "user",
            content: [{ type: "text", text: m.content }, ...m.images.map(imageUrlPart)],
          }
        : { role: "user", content: m.content };
    case "tool":
      // Chat Completions has no error flag on tool results; the content says it.
      return {
        role: "tool",
        tool_call_id: m.toolCallId,
        content: m.isError ? `Error: ${m.content}` : m.content,
      };
    case "assistant":
      return m.toolCalls?.length
        ? {
            role: "assistant",
            content: m.content || null,
            tool_calls: m.toolCalls.map((c) => ({
              id: c.id,
              type: "function",
              function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
            })),
          }
        : { role: "assistant", content: m.content };
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

export function toFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}

interface OpenAiUsageLike {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
}

/** OpenAI's `prompt_tokens` includes cached tokens; Loom's `inputTokens` does not. */
export function toUsage(u: OpenAiUsageLike | null | undefined): Usage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const usage: Usage = {
    inputTokens: (u?.prompt_tokens ?? 0) - cached,
    outputTokens: u?.completion_tokens ?? 0,
  };
  if (cached) usage.cacheReadTokens = cached;
  return usage;
}

function toToolCall(call: ChatCompletionMessageToolCall): ToolCall | undefined {
  if (call.type !== "function") return undefined;
  return {
    id: call.id,
    name: call.function.name,
    input: parseToolArgs(PROVIDER, call.function.name, call.function.arguments),
  };
}

export function fromCompletion(completion: ChatCompletion): LlmResponse {
  const choice = completion.choices[0];
  const text = choice?.message.content ?? "";
  const toolCalls = (choice?.message.tool_calls ?? []).map(toToolCall).filter((c) => c !== undefined);
  return {
    model: completion.model,
    message: assistantMessage(text, toolCalls),
    usage: toUsage(completion.usage),
    finishReason: toFinishReason(choice?.finish_reason),
  };
}
