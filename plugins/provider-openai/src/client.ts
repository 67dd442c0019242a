/** The OpenAI `LlmClient`: the openai SDK, loaded on first use, with the SDK's retries off. */
import type { LlmClient, LlmEvent, LlmRequest, LlmResponse } from "@loom/runtime/llm";
import { preconnect } from "@loom/runtime/providers/preconnect";
import {
  awaitWithin,
  createRequestScope,
  type GuardOptions,
  guardStream,
} from "@loom/runtime/providers/stream";
import type * as Sdk from "openai";
import { type ConvertOptions, fromCompletion, toOpenAiParams } from "./convert.ts";
import { PROVIDER, toLlmError } from "./errors.ts";
import { fromResponse, toResponsesParams } from "./responses-convert.ts";
import { toResponsesEvents } from "./responses-stream.ts";
import { toLlmEvents } from "./stream.ts";

export interface OpenAiClientOptions extends ConvertOptions {
  /** Absent for local servers that need none: then no Authorization header is sent. */
  apiKey: string | undefined;
  baseUrl: string;
  /** Chat Completions (every compatible server) or the Responses API (OpenAI's own models). */
  api: "chat" | "responses";
  /** Ask for the final usage chunk (`stream_options.include_usage`). */
  streamUsage: boolean;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
}

interface Loaded {
  sdk: typeof Sdk;
  client: Sdk.OpenAI;
}

export function createOpenAiClient(opts: OpenAiClientOptions): LlmClient {
  let loading: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> =>
    (loading ??= import("openai").then((sdk) => ({
      sdk,
      client: new sdk.OpenAI({
        // The SDK insists on a key; without one, the placeholder is stripped from the headers.
        apiKey: opts.apiKey ?? "none",
        ...(opts.apiKey ? {} : { defaultHeaders: { authorization: null } }),
        baseURL: opts.baseUrl,
        organization: null,
        project: null,
        maxRetries: 0,
        timeout: opts.requestTimeoutMs,
        logLevel: "off",
      }),
    })));

  async function complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const { sdk, client } = await load();
    try {
      if (opts.api === "responses") {
        const response = await client.responses.create(
          { ...toResponsesParams(request), stream: false },
          { signal },
        );
        return fromResponse(response);
      }
      const completion = await client.chat.completions.create(
        { ...toOpenAiParams(request, opts), stream: false },
        { signal },
      );
      return fromCompletion(completion);
    } catch (e) {
      throw toLlmError(sdk, e, signal);
    }
  }

  async function* events(
    client: Sdk.OpenAI,
    request: LlmRequest,
    guard: GuardOptions,
    signal: AbortSignal,
  ): AsyncGenerator<LlmEvent> {
    if (opts.api === "responses") {
      const stream = await awaitWithin(
        client.responses.create({ ...toResponsesParams(request), stream: true }, { signal }),
        guard,
      );
      yield* toResponsesEvents(guardStream(stream, guard), request.model);
      return;
    }
    const params = {
      ...toOpenAiParams(request, opts),
      stream: true as const,
      ...(opts.streamUsage ? { stream_options: { include_usage: true } } : {}),
    };
    const chunks = await awaitWithin(client.chat.completions.create(params, { signal }), guard);
    yield* toLlmEvents(guardStream(chunks, guard), request.model);
  }

  async function* stream(request: LlmRequest, signal?: AbortSignal): AsyncGenerator<LlmEvent> {
    const { sdk, client } = await load();
    const scope = createRequestScope(signal);
    try {
      const guard = { provider: PROVIDER, idleMs: opts.idleTimeoutMs, signal, cancel: () => scope.abort() };
      yield* events(client, request, guard, scope.signal);
    } catch (e) {
      throw toLlmError(sdk, e, signal);
    } finally {
      scope.dispose();
    }
  }

  function warm(): void {
    load().catch(() => undefined);
    preconnect(opts.baseUrl);
  }

  return { provider: PROVIDER, complete, stream, warm };
}
