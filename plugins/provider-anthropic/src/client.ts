/**
 * The Anthropic `LlmClient`: @anthropic-ai/sdk (or @anthropic-ai/vertex-sdk for Claude on Vertex
 * AI, same Messages API), loaded on first use, with the SDK's retries off.
 */
import type * as Sdk from "@anthropic-ai/sdk";
import type { LlmClient, LlmEvent, LlmRequest, LlmResponse } from "@loom/runtime/llm";
import { preconnect } from "@loom/runtime/providers/preconnect";
import { awaitWithin, createRequestScope, guardStream } from "@loom/runtime/providers/stream";
import { fromAnthropicMessage, toAnthropicParams } from "./convert.ts";
import { PROVIDER, toLlmError } from "./errors.ts";
import { sdkWarningsOnce } from "./sdk-warnings.ts";
import { toLlmEvents } from "./stream.ts";

/** Claude on Vertex AI: Google credentials instead of an API key. */
export interface VertexPlatform {
  project: string;
  location: string;
  /** A ready OAuth access token; when absent, application-default credentials are used. */
  accessToken: string | undefined;
}

export interface AnthropicClientOptions {
  /** The API key (Anthropic's own API), or Google project and credentials (Vertex AI). */
  auth: { apiKey: string } | { vertex: VertexPlatform };
  /** Anthropic: the API root; Vertex: the regional endpoint (default from the location). */
  baseUrl: string | undefined;
  promptCaching: boolean;
  defaultMaxTokens: number;
  /** Longest silence tolerated inside a stream, and while waiting for the response headers. */
  idleTimeoutMs: number;
  /** Whole-request timeout for `complete`. */
  requestTimeoutMs: number;
  /** Where the SDK's own warnings (deprecated models) go, once each; absent: stderr. */
  notice?: ((message: string) => void) | undefined;
}

interface Loaded {
  sdk: typeof Sdk;
  client: { messages: Pick<Sdk.Anthropic["messages"], "create"> };
}

async function loadSdk(opts: AnthropicClientOptions): Promise<Loaded> {
  const sdk = await import("@anthropic-ai/sdk");
  // Retries belong to the agent loop, which knows the error kinds and the user's patience. Loom
  // registers no OpenTelemetry tracer, so the SDK's span data (computed per call) would go nowhere.
  const common = {
    maxRetries: 0,
    timeout: opts.requestTimeoutMs,
    logLevel: "off",
    openTelemetry: false,
  } as const;
  if ("apiKey" in opts.auth) {
    return { sdk, client: new sdk.Anthropic({ ...common, apiKey: opts.auth.apiKey, baseURL: opts.baseUrl }) };
  }
  const { vertex } = opts.auth;
  const [{ AnthropicVertex }, auth] = await Promise.all([
    import("@anthropic-ai/vertex-sdk"),
    import("@loom/runtime/providers/google-auth"),
  ]);
  const client = new AnthropicVertex({
    ...common,
    projectId: vertex.project,
    region: vertex.location,
    // null, not undefined: undefined would let the SDK read ANTHROPIC_VERTEX_BASE_URL itself.
    baseURL: opts.baseUrl ?? null,
    authClient: vertex.accessToken ? new auth.StaticTokenAuth(vertex.accessToken) : new auth.AdcAuth(),
  });
  return { sdk, client };
}

export function createAnthropicClient(opts: AnthropicClientOptions): LlmClient {
  let loading: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> => (loading ??= loadSdk(opts));
  const convert = { promptCaching: opts.promptCaching, defaultMaxTokens: opts.defaultMaxTokens };
  const create = sdkWarningsOnce(opts.notice);

  async function complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const { sdk, client } = await load();
    try {
      const message = await create(() =>
        client.messages.create({ ...toAnthropicParams(request, convert), stream: false }, { signal }),
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
        create(() =>
          client.messages.create(
            { ...toAnthropicParams(request, convert), stream: true },
            { signal: scope.signal },
          ),
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

  function warm(): void {
    load().catch(() => undefined);
    if ("apiKey" in opts.auth) preconnect(opts.baseUrl);
  }

  return { provider: PROVIDER, complete, stream, warm };
}
