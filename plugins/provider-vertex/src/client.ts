/**
 * The Vertex AI `LlmClient`: @google/genai in Vertex mode, loaded on first use. Credentials are
 * application-default (ADC) unless a static access token is configured; the SDK's retries are
 * off (it only retries when given `retryOptions`, which we never pass).
 */
import type * as Sdk from "@google/genai";
import {
  type LlmClient,
  LlmError,
  type LlmEvent,
  type LlmRequest,
  type LlmResponse,
} from "@loom/runtime/llm";
import { awaitWithin, createRequestScope, guardStream } from "@loom/runtime/providers/stream";
import { fromGeminiResponse, type SignatureStore, toGeminiRequest } from "./convert.ts";
import { PROVIDER, toLlmError } from "./errors.ts";
import { toLlmEvents } from "./stream.ts";

export interface VertexClientOptions {
  project: string;
  location: string;
  /** Overrides the regional endpoint (e.g. a local fake). */
  baseUrl: string | undefined;
  apiVersion: string;
  /** A ready OAuth access token; when absent, application-default credentials are used. */
  accessToken: string | undefined;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
}

interface Loaded {
  sdk: typeof Sdk;
  ai: Sdk.GoogleGenAI;
}

/** A fetch that remembers the last response's headers: the SDK's `ApiError` drops them. */
function recordingFetch(): { fetch: typeof fetch; headers: () => Headers | undefined } {
  let last: Headers | undefined;
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    last = res.headers;
    return res;
  };
  return { fetch: Object.assign(wrapped, { preconnect: fetch.preconnect }), headers: () => last };
}

/** Claude is served by Vertex's Anthropic publisher, in Anthropic's format: another plugin's job. */
function notGemini(model: string): LlmError | undefined {
  if (!model.startsWith("claude-")) return undefined;
  return new LlmError(
    "permanent",
    `${PROVIDER}: ${model} is a Claude model; on Vertex AI use the anthropic provider with platform = "vertex" (e.g. [providers.claude-vertex] type = "anthropic", platform = "vertex", project, location)`,
    { provider: PROVIDER },
  );
}

export function createVertexClient(opts: VertexClientOptions): LlmClient {
  const signatures: SignatureStore = new Map();
  let loading: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> =>
    (loading ??= (async () => {
      const sdk = await import("@google/genai");
      const auth = await import("@loom/runtime/providers/google-auth");
      const authClient = opts.accessToken ? new auth.StaticTokenAuth(opts.accessToken) : new auth.AdcAuth();
      const ai = new sdk.GoogleGenAI({
        vertexai: true,
        project: opts.project,
        location: opts.location,
        apiVersion: opts.apiVersion,
        googleAuthOptions: { authClient },
        httpOptions: { ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), timeout: opts.requestTimeoutMs },
      });
      return { sdk, ai };
    })());

  async function complete(request: LlmRequest, signal?: AbortSignal): Promise<LlmResponse> {
    const wrongModel = notGemini(request.model);
    if (wrongModel) throw wrongModel;
    const { sdk, ai } = await load();
    const recorder = recordingFetch();
    try {
      const { contents, config } = toGeminiRequest(request, signatures);
      const res = await ai.models.generateContent({
        model: request.model,
        contents,
        config: { ...config, abortSignal: signal, httpOptions: { fetch: recorder.fetch } },
      });
      return fromGeminiResponse(res, request.model, signatures);
    } catch (e) {
      throw toLlmError(sdk, e, signal, recorder.headers());
    }
  }

  async function* stream(request: LlmRequest, signal?: AbortSignal): AsyncGenerator<LlmEvent> {
    const wrongModel = notGemini(request.model);
    if (wrongModel) throw wrongModel;
    const { sdk, ai } = await load();
    const scope = createRequestScope(signal);
    const recorder = recordingFetch();
    try {
      const { contents, config } = toGeminiRequest(request, signatures);
      const guard = { provider: PROVIDER, idleMs: opts.idleTimeoutMs, signal, cancel: () => scope.abort() };
      const chunks = await awaitWithin(
        ai.models.generateContentStream({
          model: request.model,
          contents,
          config: { ...config, abortSignal: scope.signal, httpOptions: { fetch: recorder.fetch } },
        }),
        guard,
      );
      yield* toLlmEvents(guardStream(chunks, guard), request.model, signatures);
    } catch (e) {
      throw toLlmError(sdk, e, signal, recorder.headers());
    } finally {
      scope.dispose();
    }
  }

  function warm(): void {
    // The SDK only; the endpoint depends on the location and the credentials are fetched lazily.
    load().catch(() => undefined);
  }

  return { provider: PROVIDER, complete, stream, warm };
}
