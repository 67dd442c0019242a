/** Pure conversion between Loom's message model and the Anthropic Messages API. */
import type {
  Message as AnthropicMessage,
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  StopReason,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
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

export interface ConvertOptions {
  /** Marks cache breakpoints (`cache_control: ephemeral`): see `markCacheBreakpoints`. */
  promptCaching: boolean;
  defaultMaxTokens: number;
}

const CACHE = { type: "ephemeral" } as const;

export function toAnthropicParams(request: LlmRequest, opts: ConvertOptions): MessageCreateParamsBase {
  const params: MessageCreateParamsBase = {
    model: request.model,
    max_tokens: request.maxTokens ?? opts.defaultMaxTokens,
    messages: toAnthropicMessages(request.messages),
  };
  if (opts.promptCaching) markCacheBreakpoints(params.messages);
  if (request.system) {
    params.system = [
      { type: "text", text: request.system, ...(opts.promptCaching ? { cache_control: CACHE } : {}) },
    ];
  }
  if (request.tools?.length) {
    const last = request.tools.length - 1;
    params.tools = request.tools.map(
      (t, i): Tool => ({
        name: t.name,
        description: t.description,
        input_schema: t.inputSchema as Tool["input_schema"],
        ...(opts.promptCaching && i === last ? { cache_control: CACHE } : {}),
      }),
    );
  }
  // `temperature` is not sent: current Anthropic models no longer accept sampling parameters.
  return params;
}

/**
 * Marks the conversation for incremental caching, using two of the four breakpoints the API
 * allows (the others: the last tool and the system prompt). The last block of the last user turn
 * writes the whole history to the cache; the last block of the user turn before it is where the
 * previous request wrote, so that prefix is read back even when one turn added more than the 20
 * blocks the API looks back over. Prompts under the model's minimum cacheable length are simply
 * not cached: the marks cost nothing.
 */
export function markCacheBreakpoints(messages: MessageParam[]): void {
  let marked = 0;
  for (let i = messages.length - 1; i >= 0 && marked < 2; i--) {
    const m = messages[i];
    if (m?.role !== "user" || !Array.isArray(m.content)) continue;
    const last = m.content.at(-1);
    if (!last || (last.type !== "text" && last.type !== "tool_result")) continue;
    last.cache_control = CACHE;
    marked++;
  }
}

function imageBlock(image: ImagePart): ImageBlockParam {
  return {
    type: "image",
    source: {
      type: "base64",
      media_type: image.mimeType as Base64ImageSource["media_type"],
      data: image.data,
    },
  };
}

/** Tool results travel as `tool_result` blocks in the next user turn; consecutive ones share it. */
export function toAnthropicMessages(messages: readonly Message[]): MessageParam[] {
  const out: MessageParam[] = [];
  const userBlocks = (): ContentBlockParam[] => {
    const last = out.at(-1);
    if (last?.role === "user" && Array.isArray(last.content)) return last.content;
    const blocks: ContentBlockParam[] = [];
    out.push({ role: "user", content: blocks });
    return blocks;
  };
  for (const m of messages) {
    switch (m.role) {
      case "user": {
        const blocks = userBlocks();
        // Images first: Anthropic's guidance is image-then-text.
        for (const image of m.images ?? []) blocks.push(imageBlock(image));
        blocks.push({ type: "text", text: m.content });
        break;
      }
      case "tool":
        userBlocks().push({
          type: "tool_result",
          tool_use_id: m.toolCallId,
          // A tool that returned images (an MCP tool) sends them as image blocks of its result.
          content: m.images?.length
            ? [{ type: "text", text: m.content }, ...m.images.map(imageBlock)]
            : m.content,
          ...(m.isError ? { is_error: true } : {}),
        });
        break;
      case "assistant": {
        const blocks: ContentBlockParam[] = m.content ? [{ type: "text", text: m.content }] : [];
        for (const call of m.toolCalls ?? []) {
          blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.input ?? {} });
        }
        // The API rejects empty assistant turns (e.g. a reply cut off before any text).
        if (blocks.length) out.push({ role: "assistant", content: blocks });
        break;
      }
      default: {
        const never: never = m;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}

export function toFinishReason(stop: StopReason | null | undefined): FinishReason {
  switch (stop) {
    case "tool_use":
      return "tool_use";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_tokens";
    case "stop_sequence":
      return "stop_sequence";
    case "refusal":
      return "refusal";
    default:
      return "end_turn";
  }
}

interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic's `input_tokens` already excludes cached tokens, which is Loom's meaning too. */
export function toUsage(u: AnthropicUsageLike, into: Usage = { inputTokens: 0, outputTokens: 0 }): Usage {
  const usage = { ...into };
  if (u.input_tokens != null) usage.inputTokens = u.input_tokens;
  if (u.output_tokens != null) usage.outputTokens = u.output_tokens;
  if (u.cache_read_input_tokens != null) usage.cacheReadTokens = u.cache_read_input_tokens;
  if (u.cache_creation_input_tokens != null) usage.cacheWriteTokens = u.cache_creation_input_tokens;
  return usage;
}

export function fromAnthropicMessage(msg: AnthropicMessage): LlmResponse {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use")
      toolCalls.push({ id: block.id, name: block.name, input: block.input });
  }
  return {
    model: msg.model,
    message: assistantMessage(text, toolCalls),
    usage: toUsage(msg.usage),
    finishReason: toFinishReason(msg.stop_reason),
  };
}
