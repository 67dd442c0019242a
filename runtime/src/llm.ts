/**
 * The LLM contract: one message model, one streaming event model, typed errors.
 * Providers (plugins of kind "provider") implement `LlmClient`.
 */
import { LoomError } from "./errors.ts";

export interface ToolCall {
  /** Provider-assigned id, unique within a thread. */
  id: string;
  name: string;
  /** Parsed JSON arguments. */
  input: unknown;
}

/** An image the user attached, or a tool returned (base64 bytes), sent to the model beside the message's text. */
export interface ImagePart {
  /** `image/png`, `image/jpeg`, `image/gif` or `image/webp` (what the providers take). */
  mimeType: string;
  /** Base64, no `data:` prefix. */
  data: string;
}

export type Message =
  | { role: "user"; content: string; images?: ImagePart[] }
  /** `interrupted`: the reply was cut off (cancel, shutdown, failed stream); `content` is what was shown. */
  | {
      role: "assistant";
      content: string;
      toolCalls?: ToolCall[];
      interrupted?: boolean;
      /** On a turn's last assistant message: that turn's tokens and cost (kept in the thread, never sent). */
      usage?: {
        inputTokens: number;
        outputTokens: number;
        costUsd?: number;
        costPartial?: boolean;
        estimated?: boolean;
      };
    }
  /** `images`: pictures the tool returned (an MCP tool's image content), sent beside its text. */
  | {
      role: "tool";
      toolCallId: string;
      name: string;
      content: string;
      isError?: boolean;
      images?: ImagePart[];
    };

export type AssistantMessage = Extract<Message, { role: "assistant" }>;
export type UserMessage = Extract<Message, { role: "user" }>;

/** A user message; `images` is present only when there are some. */
export function userMessage(content: string, images: readonly ImagePart[] = []): UserMessage {
  return images.length > 0 ? { role: "user", content, images: [...images] } : { role: "user", content };
}
export type ToolMessage = Extract<Message, { role: "tool" }>;

/** An assistant message; `toolCalls` is present only when there are some. */
export function assistantMessage(content: string, toolCalls: ToolCall[] = []): AssistantMessage {
  return toolCalls.length > 0 ? { role: "assistant", content, toolCalls } : { role: "assistant", content };
}

/** What the model is told about a tool. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  inputSchema: Record<string, unknown>;
}

export interface LlmRequest {
  model: string;
  system?: string;
  messages: Message[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Counted by Loom, not reported by the provider (a reply cut off before its usage arrived). */
  estimated?: boolean;
}

export type FinishReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal";

export interface LlmResponse {
  model: string;
  message: AssistantMessage;
  usage: Usage;
  finishReason: FinishReason;
}

/** Streamed events. A stream ends with exactly one `completed`, or throws an `LlmError`. */
export type LlmEvent =
  | { type: "text.delta"; text: string }
  | { type: "tool_call.start"; index: number; id: string; name: string }
  | { type: "tool_call.delta"; index: number; argsDelta: string }
  | { type: "usage"; usage: Usage }
  | { type: "completed"; response: LlmResponse };

export interface LlmClient {
  /** Provider name, e.g. "anthropic". */
  readonly provider: string;
  complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse>;
  stream(request: LlmRequest, signal?: AbortSignal): AsyncIterable<LlmEvent>;
  /**
   * Optional: a request is coming soon. Start what it will wait for (the SDK import, the
   * connection to the API) without waiting; failures surface on the request itself.
   */
  warm?(): void;
}

export type LlmErrorKind = "transient" | "permanent" | "rate_limited";

/** The only error an `LlmClient` throws. */
export class LlmError extends LoomError {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly provider: string | undefined;

  constructor(
    kind: LlmErrorKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number; provider?: string; cause?: unknown } = {},
  ) {
    super(
      kind === "rate_limited" ? "RATE_LIMITED" : kind === "transient" ? "LLM_TRANSIENT" : "LLM_PERMANENT",
      message,
      { status: opts.status, retryAfterMs: opts.retryAfterMs, provider: opts.provider },
      { cause: opts.cause },
    );
    this.name = "LlmError";
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.provider = opts.provider;
  }
}

/** Plain-data form of an LLM error, as it travels in machine events and over the wire. */
export interface LlmErrorInfo {
  kind: LlmErrorKind;
  message: string;
  status?: number;
  retryAfterMs?: number;
}

export function toLlmErrorInfo(e: unknown): LlmErrorInfo {
  if (e instanceof LlmError) {
    const info: LlmErrorInfo = { kind: e.kind, message: e.message };
    if (e.status !== undefined) info.status = e.status;
    if (e.retryAfterMs !== undefined) info.retryAfterMs = e.retryAfterMs;
    return info;
  }
  return { kind: "transient", message: e instanceof Error ? e.message : String(e) };
}

/** Parses an HTTP `retry-after` (seconds or HTTP date) or `retry-after-ms` header into ms. */
export function parseRetryAfter(
  headers: Headers | Record<string, string | null | undefined>,
  now = Date.now(),
): number | undefined {
  const get = (k: string): string | null | undefined =>
    headers instanceof Headers ? headers.get(k) : (headers[k] ?? headers[k.toLowerCase()]);
  const ms = get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = get("retry-after");
  if (!ra) return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Factory a provider plugin exports. */
export interface ProviderOptions {
  apiKey?: string;
  baseUrl?: string;
  /** Provider-specific settings from config (e.g. Vertex project and location). */
  settings?: Record<string, unknown>;
  /**
   * Tells the user something about their requests that is not an error (a deprecated model), one
   * line, once per message; the caller shows it as its own output. Absent: the provider writes it
   * to stderr itself.
   */
  notice?: (message: string) => void;
}

export interface ProviderDefinition {
  name: string;
  /** Env variable holding the key, named in the "missing key" error. */
  apiKeyEnv?: string;
  create(options: ProviderOptions): LlmClient;
}
