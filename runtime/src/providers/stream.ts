/**
 * Stream plumbing shared by provider plugins: an abort controller linked to the caller's signal,
 * an idle-timeout guard so a stalled upstream never hangs the agent, and a builder that turns the
 * streamed events into the final `LlmResponse`.
 */
import type { FinishReason, LlmEvent, LlmResponse, ToolCall, Usage } from "../llm.ts";
import { assistantMessage, LlmError } from "../llm.ts";
import { abortedError, idleTimeoutError, malformedStreamError } from "./errors.ts";

/** Default idle timeout: Anthropic pings every ~15 s, so a minute of silence means a dead stream. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export interface RequestScope {
  /** Pass to the SDK: aborts when the caller aborts or the guard gives up. */
  readonly signal: AbortSignal;
  abort(): void;
  dispose(): void;
}

/** An abort controller that follows `parent` until disposed. */
export function createRequestScope(parent: AbortSignal | undefined): RequestScope {
  const controller = new AbortController();
  const follow = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", follow, { once: true });
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    dispose: () => parent?.removeEventListener("abort", follow),
  };
}

export interface GuardOptions {
  provider: string;
  idleMs: number;
  /** The caller's signal: aborting it ends the stream with a cancelled `LlmError`. */
  signal: AbortSignal | undefined;
  /** Called on timeout or abort to tear the request down. */
  cancel: () => void;
}

/**
 * Yields `source` items, failing with a transient `LlmError` when none arrives for `idleMs`
 * and with a cancelled one as soon as the caller aborts — even while the source is blocked.
 */
export async function* guardStream<T>(source: AsyncIterable<T>, opts: GuardOptions): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await raceNext(iterator, opts);
      if (next.done) {
        finished = true;
        if (opts.signal?.aborted) throw abortedError(opts.provider);
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) {
      opts.cancel();
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  }
}

/**
 * Waits for `promise` (typically the response headers) under the same rules as `guardStream`:
 * an idle timeout and the caller's abort both reject at once and tear the request down.
 */
export async function awaitWithin<T>(promise: Promise<T>, opts: GuardOptions): Promise<T> {
  try {
    return await race(promise, opts);
  } catch (e) {
    opts.cancel();
    throw e;
  }
}

function raceNext<T>(iterator: AsyncIterator<T>, opts: GuardOptions): Promise<IteratorResult<T>> {
  if (opts.signal?.aborted) return Promise.reject(abortedError(opts.provider));
  return race(iterator.next(), opts);
}

function race<T>(promise: Promise<T>, opts: GuardOptions): Promise<T> {
  if (opts.signal?.aborted) return Promise.reject(abortedError(opts.provider));
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      action();
    };
    const timer = setTimeout(
      () => settle(() => reject(idleTimeoutError(opts.provider, opts.idleMs))),
      opts.idleMs,
    );
    const onAbort = (): void => settle(() => reject(abortedError(opts.provider)));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (r) => settle(() => resolve(r)),
      (e: unknown) => settle(() => reject(e)),
    );
  });
}

/** Accumulates streamed events into the final assistant message. */
export class ResponseBuilder {
  #text = "";
  readonly #calls: { id: string; name: string; args: string }[] = [];

  constructor(readonly provider: string) {}

  get toolCallCount(): number {
    return this.#calls.length;
  }

  /** Records an event that carries content; returns it for convenient `yield builder.add(e)`. */
  add<E extends LlmEvent>(event: E): E {
    switch (event.type) {
      case "text.delta":
        this.#text += event.text;
        break;
      case "tool_call.start":
        this.#calls[event.index] = { id: event.id, name: event.name, args: "" };
        break;
      case "tool_call.delta": {
        const call = this.#calls[event.index];
        if (call) call.args += event.argsDelta;
        break;
      }
      case "usage":
      case "completed":
        break;
      default: {
        const never: never = event;
        throw new Error(`unknown event ${String(never)}`);
      }
    }
    return event;
  }

  build(model: string, finishReason: FinishReason, usage: Usage): LlmResponse {
    const toolCalls: ToolCall[] = this.#calls.map((c) => ({
      id: c.id,
      name: c.name,
      input: parseToolArgs(this.provider, c.name, c.args),
    }));
    return {
      model,
      message: assistantMessage(this.#text, toolCalls),
      usage,
      finishReason,
    };
  }
}

/** Parses a tool call's JSON arguments; an empty string is `{}`. */
export function parseToolArgs(provider: string, name: string, args: string): unknown {
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch (e) {
    throw malformedStreamError(provider, new Error(`tool ${name} arguments are not JSON: ${errorText(e)}`));
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function isLlmError(e: unknown): e is LlmError {
  return e instanceof LlmError;
}
