/**
 * An `LlmClient` that calls the Loom server's proxy with a Loom token, so the client holds no
 * provider key. Errors come back as the same `LlmError` kinds the server's provider raised.
 * @example
 * const llm = createProxyLlmClient({ serverUrl: "http://loom:8080", token, provider: "anthropic" });
 * for await (const ev of llm.stream({ model: "claude-sonnet-4-5", messages })) …
 */

import { readSse } from "@loom/sse/read";
import {
  type LlmClient,
  LlmError,
  type LlmErrorInfo,
  type LlmEvent,
  type LlmRequest,
  type LlmResponse,
  parseRetryAfter,
} from "../llm.ts";
import { abortedError } from "../providers/errors.ts";
import { Secret } from "../secret.ts";

export interface ProxyClientOptions {
  serverUrl: string;
  token: string | Secret;
  provider: string;
  fetch?: typeof fetch;
}

const KINDS = new Set(["transient", "permanent", "rate_limited"]);

function isErrorInfo(v: unknown): v is LlmErrorInfo {
  const o = v as Partial<LlmErrorInfo> | null;
  return typeof o === "object" && o !== null && typeof o.message === "string" && KINDS.has(String(o.kind));
}

export function llmErrorFromInfo(provider: string, info: LlmErrorInfo): LlmError {
  return new LlmError(info.kind, info.message, {
    provider,
    ...(info.status === undefined ? {} : { status: info.status }),
    ...(info.retryAfterMs === undefined ? {} : { retryAfterMs: info.retryAfterMs }),
  });
}

/** A non-2xx answer from the server: its `llm` error info when present, else classified by status. */
async function errorFromResponse(provider: string, res: Response): Promise<LlmError> {
  let body: { error?: { code?: string; message?: string; llm?: unknown; retryAfterMs?: number } } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON: classify by status alone
  }
  if (isErrorInfo(body.error?.llm)) return llmErrorFromInfo(provider, body.error.llm);
  const message = `loom server: ${res.status} ${body.error?.message ?? res.statusText}`;
  const retryAfterMs = parseRetryAfter(res.headers) ?? body.error?.retryAfterMs;
  const opts = { provider, status: res.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (res.status === 429) return new LlmError("rate_limited", message, opts);
  if (res.status === 408 || res.status >= 500) return new LlmError("transient", message, opts);
  return new LlmError("permanent", message, opts);
}

export function createProxyLlmClient(o: ProxyClientOptions): LlmClient {
  const doFetch = o.fetch ?? fetch;
  const base = o.serverUrl.replace(/\/+$/, "");
  const token = o.token instanceof Secret ? o.token : new Secret(o.token);
  const provider = o.provider;

  const post = async (path: "complete" | "stream", request: LlmRequest, signal?: AbortSignal) => {
    let res: Response;
    try {
      res = await doFetch(`${base}/proxy/${encodeURIComponent(provider)}/${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: path === "stream" ? "text/event-stream" : "application/json",
          authorization: `Bearer ${token.expose()}`,
        },
        body: JSON.stringify(request),
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      const detail = e instanceof Error ? e.message.split("\n")[0] : String(e);
      throw new LlmError("transient", `loom server unreachable at ${base} (${detail})`, {
        provider,
        cause: e,
      });
    }
    if (!res.ok) throw await errorFromResponse(provider, res);
    return res;
  };

  return {
    provider,
    async complete(request, signal) {
      const res = await post("complete", request, signal);
      // A 200 that is not an LlmResponse (a captive portal, a proxy's HTML page, a cut-off body) is a
      // transient LlmError like any other server trouble, never a bare SyntaxError.
      const body = (await res.json().catch(() => undefined)) as Partial<LlmResponse> | undefined;
      if (typeof body?.message !== "object" || body.message === null || typeof body.usage !== "object") {
        throw new LlmError("transient", "loom server: the answer is not an LLM response", {
          provider,
          status: res.status,
        });
      }
      return body as LlmResponse;
    },
    async *stream(request, signal) {
      const res = await post("stream", request, signal);
      if (!res.body) throw new LlmError("transient", "loom server: empty stream", { provider });
      let completed = false;
      try {
        for await (const msg of readSse(res.body)) {
          const data = JSON.parse(msg.data) as unknown;
          if (msg.event === "error") {
            throw isErrorInfo(data)
              ? llmErrorFromInfo(provider, data)
              : new LlmError("transient", "loom server: malformed error event", { provider });
          }
          // Events that arrived in the same chunk as the last one are not handed out after a cancel.
          if (signal?.aborted) throw abortedError(provider);
          const ev = data as LlmEvent;
          if (ev.type === "completed") completed = true;
          yield ev;
          if (completed) return;
        }
      } catch (e) {
        if (e instanceof LlmError || signal?.aborted) throw e;
        const detail = e instanceof Error ? e.message.split("\n")[0] : String(e);
        throw new LlmError("transient", `loom server: stream broken (${detail})`, { provider, cause: e });
      }
      if (!completed) {
        throw new LlmError("transient", "loom server: the stream ended before the response was complete", {
          provider,
        });
      }
    },
  };
}
