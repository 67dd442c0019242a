/** The Anthropic `LlmClient`: @anthropic-ai/sdk, loaded on first use, with the SDK's retries off. */
import type * as Sdk from "@anthropic-ai/sdk";
import type { LlmClient, LlmEvent, LlmRequest, LlmResponse } from "@loom/runtime/llm";
import { awaitWithin, createRequestScope, guardStream } from "@loom/runtime/providers/stream";
import { fromAnthropicMessage, toAnthropicParams } from "./convert.ts";
import { PROVIDER, toLlmError } from "./errors.ts";
import { toLlmEvents } from "./stream.ts";

export interface AnthropicClientOptions {
  apiKey: string;
  baseUrl: string;
  promptCaching: boolean;
  defaultMaxTokens: number;
  /** Longest silence tolerated inside a stream, and while waiting for the response headers. */
  idleTimeoutMs: number;
  /** Whole-request timeout for `complete`. */
  requestTimeoutMs: number;
}

interface Loaded {
  sdk: typeof Sdk;
  client: Sdk.Anthropic;
}

export function createAnthropicClient(opts: AnthropicClientOptions): LlmClient {
  let loading: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> =>
    (loading ??= import("@anthropic-ai/sdk").then((sdk) => ({
      sdk,
      client: new sdk.Anthropic({
        apiKey: opts.apiKey,
        baseURL: opts.baseUrl,
        // Retries belong to the agent loop, which knows the error kinds and the user's patience.
        maxRetries: 0,
        timeout: opts.requestTimeoutMs,
        logLevel: "off",
      }),
    })));
  const convert = { promptCaching: opts.promptCaching, defaultMaxTokens: opts.defaultMaxTokens };

  async function complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const { sdk, client } = await load();
    try {
      const message = await client.messages.create(
        { ...toAnthropicParams(request, convert), stream: false },
        { signal },
      );
      return fromAnthropicMessage(message);
    } catch (e) {
      throw toLlmError(sdk, e, signal);
    }
  }

  async function* stream(request: LlmRequest, signal?: AbortSignal): AsyncGenerator<LlmEvent> {
    const { sdk, client } = await load();
    const scope = createRequestScope(signal);
    try {
      const guard = { provider: PROVIDER, idleMs: opts.idleTimeoutMs, signal, cancel: () => scope.abort() };
      const raw = await awaitWithin(
        client.messages.create(
          { ...toAnthropicParams(request, convert), stream: true },
          { signal: scope.signal },
        ),
        guard,
      );
      yield* toLlmEvents(guardStream(raw, guard), request.model);
    } catch (e) {
      throw toLlmError(sdk, e, signal);
    } finally {
      scope.dispose();
    }
  }

  return { provider: PROVIDER, complete, stream };
}
