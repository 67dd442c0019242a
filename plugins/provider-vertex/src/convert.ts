/** Pure conversion between Loom's message model and Gemini `Content` on Vertex AI. */
import type { Content, GenerateContentConfig, GenerateContentResponse, Part } from "@google/genai";
import {
  assistantMessage,
  type FinishReason,
  type LlmRequest,
  type LlmResponse,
  type Message,
  type ToolCall,
  type Usage,
} from "@loom/runtime/llm";

/** Prefix of ids Loom made up for calls Gemini sent without one; they are not sent back. */
export const GENERATED_ID_PREFIX = "loom-fc-";

export function generatedCallId(): string {
  return `${GENERATED_ID_PREFIX}${crypto.randomUUID()}`;
}

/** Gemini thought signatures, keyed by tool call id: they must be echoed back with the call. */
export type SignatureStore = Map<string, string>;

export function toGeminiRequest(
  request: LlmRequest,
  signatures: SignatureStore,
): { contents: Content[]; config: GenerateContentConfig } {
  const config: GenerateContentConfig = {};
  if (request.system) config.systemInstruction = { role: "user", parts: [{ text: request.system }] };
  if (request.tools?.length) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((t) => ({
          name: t.name,
          description: t.description,
          parametersJsonSchema: t.inputSchema,
        })),
      },
    ];
  }
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  return { contents: toGeminiContents(request.messages, signatures), config };
}

/** Function responses of one turn travel together in a single user `Content`. */
export function toGeminiContents(messages: readonly Message[], signatures: SignatureStore): Content[] {
  const out: Content[] = [];
  for (const m of messages) {
    switch (m.role) {
      case "user":
        out.push({
          role: "user",
          parts: [
            { text: m.content },
            ...(m.images ?? []).map((i) => ({ inlineData: { mimeType: i.mimeType, data: i.data } })),
          ],
        });
        break;
      case "tool": {
        const part: Part = {
          functionResponse: {
            ...idOf(m.toolCallId),
            name: m.name,
            response: m.isError ? { error: m.content } : { output: m.content },
            // Images a tool returned (an MCP tool) travel as inline parts of its response.
            ...(m.images?.length
              ? { parts: m.images.map((i) => ({ inlineData: { mimeType: i.mimeType, data: i.data } })) }
              : {}),
          },
        };
        const last = out.at(-1);
        if (last?.role === "user" && last.parts?.every((p) => p.functionResponse)) last.parts.push(part);
        else out.push({ role: "user", parts: [part] });
        break;
      }
      case "assistant": {
        const parts: Part[] = m.content ? [{ text: m.content }] : [];
        for (const call of m.toolCalls ?? []) {
          const signature = signatures.get(call.id);
          parts.push({
            functionCall: {
              ...idOf(call.id),
              name: call.name,
              args: (call.input ?? {}) as Record<string, unknown>,
            },
            ...(signature ? { thoughtSignature: signature } : {}),
          });
        }
        // Gemini rejects contents without parts.
        if (parts.length) out.push({ role: "model", parts });
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

function idOf(id: string): { id?: string } {
  return id.startsWith(GENERATED_ID_PREFIX) ? {} : { id };
}

export function toFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return "tool_use";
  switch (reason) {
    case "MAX_TOKENS":
      return "max_tokens";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "refusal";
    default:
      return "end_turn";
  }
}

/** Gemini's `promptTokenCount` includes cached tokens; Loom's `inputTokens` does not. */
export function toUsage(meta: GenerateContentResponse["usageMetadata"]): Usage {
  const cached = meta?.cachedContentTokenCount ?? 0;
  const usage: Usage = {
    inputTokens: (meta?.promptTokenCount ?? 0) - cached,
    outputTokens: (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0),
  };
  if (cached) usage.cacheReadTokens = cached;
  return usage;
}

/** A model-produced function call as a Loom tool call (remembering its thought signature). */
export function toToolCall(part: Part, signatures: SignatureStore): ToolCall | undefined {
  const call = part.functionCall;
  if (!call?.name) return undefined;
  const id = call.id || generatedCallId();
  if (part.thoughtSignature) signatures.set(id, part.thoughtSignature);
  return { id, name: call.name, input: call.args ?? {} };
}

/** Visible text of a part (thought summaries are not part of the answer). */
export function textOf(part: Part): string {
  return part.thought ? "" : (part.text ?? "");
}

/** The plain-data part of the SDK's response class. */
export type GeminiResponse = Pick<GenerateContentResponse, "candidates" | "usageMetadata" | "modelVersion">;

export function fromGeminiResponse(
  res: GeminiResponse,
  model: string,
  signatures: SignatureStore,
): LlmResponse {
  const candidate = res.candidates?.[0];
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    text += textOf(part);
    const call = toToolCall(part, signatures);
    if (call) toolCalls.push(call);
  }
  return {
    model: res.modelVersion ?? model,
    message: assistantMessage(text, toolCalls),
    usage: toUsage(res.usageMetadata),
    finishReason: toFinishReason(candidate?.finishReason, toolCalls.length > 0),
  };
}
