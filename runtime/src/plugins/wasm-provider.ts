/**
 * A WASM plugin of kind `provider` as an LLM provider. One model request is one call of the
 * plugin's provider export (default `chat`): its input is `ProviderCallInput` as JSON, and it
 * streams by calling the host function `emit_event` once per event (`text.delta`,
 * `tool_call.start`, `tool_call.delta`, `usage`, or `error`), each reaching the agent as it is
 * emitted. The export's output (optional) is `{finishReason?, model?, usage?}`; the host then
 * builds the `completed` event from what was streamed. The plugin reaches its API through
 * `http_fetch`, so only hosts it declared and the user granted (specs/providers.md).
 */
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { formatError, isLoomError } from "../errors.ts";
import {
  type FinishReason,
  type LlmClient,
  LlmError,
  type LlmEvent,
  type LlmRequest,
  type LlmResponse,
  type ProviderDefinition,
  type ProviderOptions,
  type Usage,
} from "../llm.ts";
import { errorFromStatus } from "../providers/errors.ts";
import { ResponseBuilder } from "../providers/stream.ts";
import { DEFAULT_PROVIDER_EXPORT, type PluginManifest } from "./manifest.ts";
import type { WasmHost } from "./wasm-host.ts";

/** What the provider export receives. */
export interface ProviderCallInput {
  request: LlmRequest;
  /** `providers.<name>.api_key` (or none). */
  apiKey?: string;
  /** `providers.<name>.base_url` (or none: the plugin's own default). */
  baseUrl?: string;
  /** Every other key of `[providers.<name>]`. */
  settings: Record<string, unknown>;
}

const Count = Type.Integer({ minimum: 0 });
const UsageSchema = Type.Object({
  inputTokens: Count,
  outputTokens: Count,
  cacheReadTokens: Type.Optional(Count),
  cacheWriteTokens: Type.Optional(Count),
});
const Finish = Type.Union([
  Type.Literal("end_turn"),
  Type.Literal("tool_use"),
  Type.Literal("max_tokens"),
  Type.Literal("stop_sequence"),
  Type.Literal("refusal"),
]);

/** One `emit_event` payload. */
export const ProviderEvent = Type.Union([
  Type.Object({ type: Type.Literal("text.delta"), text: Type.String() }),
  Type.Object({
    type: Type.Literal("tool_call.start"),
    index: Count,
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
  }),
  Type.Object({ type: Type.Literal("tool_call.delta"), index: Count, argsDelta: Type.String() }),
  Type.Object({ type: Type.Literal("usage"), usage: UsageSchema }),
  Type.Object({
    type: Type.Literal("error"),
    message: Type.String(),
    kind: Type.Optional(
      Type.Union([Type.Literal("transient"), Type.Literal("permanent"), Type.Literal("rate_limited")]),
    ),
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    retryAfterMs: Type.Optional(Count),
  }),
]);
export type ProviderEvent = Static<typeof ProviderEvent>;

/** The provider export's output (all optional; empty output is fine). */
export const ProviderResult = Type.Object({
  finishReason: Type.Optional(Finish),
  model: Type.Optional(Type.String()),
  usage: Type.Optional(UsageSchema),
});
export type ProviderResult = Static<typeof ProviderResult>;

export interface WasmProviderOptions {
  manifest: PluginManifest;
  /** Opens the plugin's host (load-time checks included) on the first request. */
  open: () => Promise<WasmHost>;
}

/** Parses one emitted event; a malformed one is a transient "malformed response" error. */
function parseEvent(provider: string, text: string): ProviderEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(provider, `emit_event got ${JSON.stringify(text.slice(0, 80))}, not JSON`);
  }
  if (!Value.Check(ProviderEvent, value)) {
    const type = (value as { type?: unknown })?.type;
    throw malformed(
      provider,
      `emit_event got an invalid ${typeof type === "string" ? `'${type}' ` : ""}event`,
    );
  }
  return value;
}

function malformed(provider: string, why: string): LlmError {
  return new LlmError("transient", `${provider}: malformed response data (${why})`, { provider });
}

function parseResult(provider: string, text: string): ProviderResult {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(provider, "the provider export's output is not JSON");
  }
  if (!Value.Check(ProviderResult, value))
    throw malformed(provider, "the provider export's output is invalid");
  return value;
}

function errorEvent(provider: string, e: Extract<ProviderEvent, { type: "error" }>): LlmError {
  if (e.kind === undefined && e.status !== undefined) {
    return errorFromStatus(provider, e.status, e.message, {
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    });
  }
  return new LlmError(e.kind ?? "permanent", `${provider}: ${e.message}`, {
    provider,
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  });
}

/** A failed call as an LlmError: time-outs and dead hosts may pass, a refusal or the plugin's own error will not. */
function callError(provider: string, e: unknown): LlmError {
  if (e instanceof LlmError) return e;
  const message = `${provider}: ${formatError(e)}`;
  if (!isLoomError(e)) return new LlmError("transient", message, { provider, cause: e });
  switch (e.code) {
    case "TOOL_CANCELLED":
      return new LlmError("permanent", `${provider}: request cancelled`, { provider, cause: e });
    case "TOOL_TIMEOUT":
    case "PLUGIN_FAILED":
    case "TOOL_MEMORY":
      return new LlmError("transient", message, { provider, cause: e });
    case "TOOL_FAILED":
      // The host's http_fetch could not get an answer (refused, reset, timed out): worth a retry.
      if (e.message.startsWith("http_fetch ")) {
        return new LlmError("transient", `${provider}: connection failed (${e.message})`, {
          provider,
          cause: e,
        });
      }
      return new LlmError("permanent", message, { provider, cause: e });
    default:
      return new LlmError("permanent", message, { provider, cause: e });
  }
}

/** A pushed sequence read as an async iterable (events arrive from the host's socket). */
function channel<T>(): { push(v: T): void; end(e?: unknown): void; items: AsyncIterable<T> } {
  const buffer: T[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  return {
    push(v) {
      buffer.push(v);
      notify();
    },
    end(e) {
      done = true;
      failure = e;
      notify();
    },
    items: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (buffer.length > 0) {
            yield buffer.shift() as T;
            continue;
          }
          if (done) {
            if (failure !== undefined) throw failure;
            return;
          }
          await new Promise<void>((r) => {
            wake = r;
          });
        }
      },
    },
  };
}

function createClient(opts: WasmProviderOptions, options: ProviderOptions): LlmClient {
  const provider = opts.manifest.name;
  const exportName = opts.manifest.provider?.export ?? DEFAULT_PROVIDER_EXPORT;
  /** Started by `warm()`, taken by the next request. */
  let warmed: Promise<WasmHost> | undefined;

  async function* stream(request: LlmRequest, signal?: AbortSignal): AsyncGenerator<LlmEvent> {
    const opening = warmed ?? opts.open();
    warmed = undefined;
    const h = await opening.catch((e: unknown) => {
      throw new LlmError("permanent", `${provider}: ${formatError(e)}`, { provider, cause: e });
    });
    try {
      yield* streamOn(h, request, signal);
    } finally {
      // One plugin process per request: nothing outlives it, so a finished `loom run` exits.
      h.close();
    }
  }

  async function* streamOn(h: WasmHost, request: LlmRequest, signal?: AbortSignal): AsyncGenerator<LlmEvent> {
    const input: ProviderCallInput = {
      request,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      settings: options.settings ?? {},
    };
    const events = channel<string>();
    const call = h.call(exportName, JSON.stringify(input), signal, (e) => events.push(e));
    call.then(
      () => events.end(),
      (e: unknown) => events.end(callError(provider, e)),
    );
    const builder = new ResponseBuilder(provider);
    let usage: Usage = { inputTokens: 0, outputTokens: 0 };
    for await (const text of events.items) {
      const event = parseEvent(provider, text);
      // The plugin's own error event says more than the failed return that follows it; the
      // caller's `finally` ends the plugin's process.
      if (event.type === "error") throw errorEvent(provider, event);
      if (event.type === "usage") usage = event.usage;
      yield builder.add(event);
    }
    const result = parseResult(provider, await call);
    if (result.usage) {
      usage = result.usage;
      yield { type: "usage", usage };
    }
    const finish: FinishReason = result.finishReason ?? (builder.toolCallCount > 0 ? "tool_use" : "end_turn");
    const response: LlmResponse = builder.build(result.model ?? request.model, finish, usage);
    yield { type: "completed", response };
  }

  return {
    provider,
    stream,
    async complete(request, signal) {
      for await (const event of stream(request, signal))
        if (event.type === "completed") return event.response;
      throw new LlmError("transient", `${provider}: the stream ended without a response`, { provider });
    },
    warm() {
      warmed ??= opts.open();
      warmed.catch(() => {});
    },
  };
}

/**
 * The provider definition of a WASM provider plugin. The module is checked and its host started
 * on the first request (or `warm()`), not when the definition is made.
 * @example
 * const def = wasmProviderDefinition({ manifest, open: async () => openWasmHost({ manifest, wasm, root, permissions, isolation: "process" }) });
 * createLlmClient({ provider: manifest.name }, [def]);
 */
export function wasmProviderDefinition(opts: WasmProviderOptions): ProviderDefinition {
  return { name: opts.manifest.name, create: (options) => createClient(opts, options) };
}
