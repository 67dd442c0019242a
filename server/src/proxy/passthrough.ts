/**
 * Wire-compatible pass-through for the official SDKs: `/proxy/anthropic/v1/messages` and
 * `/proxy/openai/v1/chat/completions`, and each one's `GET …/v1/models` (filtered by the allowlist)
 * and `GET …/v1/models/:id` (an allowed model only). The body goes upstream unchanged with the server's key in
 * place of the caller's Loom token (`x-api-key: lt_…` or `Authorization: Bearer lt_…`); the
 * response streams back as-is while usage is read off it. Error bodies are redacted.
 */

import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { authPlugin } from "../auth/plugin.ts";
import type { Principal } from "../auth/principal.ts";
import { rawBodyOf, readBodyLimited } from "../body-limit.ts";
import { HttpError } from "../http-error.ts";
import { linkedAbort, type ProxyDeps } from "./deps.ts";
import type { Upstream } from "./keys.ts";
import { systemCode } from "./upstream-error.ts";
import { applyUsage, type SniffedUsage, sniffSseUsage } from "./usage-sniffer.ts";

export interface PassthroughDeps extends ProxyDeps {
  upstreams: Record<string, Upstream>;
  fetch: typeof fetch;
  maxBodyBytes: number;
}

/** Request headers the SDKs send that the upstream needs; everything else (auth included) is dropped. */
const FORWARD = [
  "content-type",
  "accept",
  "anthropic-version",
  "anthropic-beta",
  "openai-beta",
  "user-agent",
];
const ModelParams = t.Object({ model: t.String({ minLength: 1, maxLength: 200 }) });

/** Response headers not to copy: Bun re-frames and decompresses the body. */
const DROP = new Set(["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"]);

/**
 * An in-stream error in the provider's wire format: Anthropic's `event: error`, and for OpenAI a
 * `data: {"error": …}` frame (what its SDK raises as an APIError).
 */
export function streamErrorFrame(provider: "anthropic" | "openai", message: string): string {
  if (provider === "anthropic") {
    const data = { type: "error", error: { type: "api_error", message } };
    return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
  }
  const data = { error: { message, type: "server_error", param: null, code: "upstream_stream_failed" } };
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function passthroughRoutes(d: PassthroughDeps) {
  const configured = (provider: "anthropic" | "openai") => {
    const up = d.upstreams[provider];
    if (!up?.apiKey || !up.baseUrl || !up.passthrough) {
      throw new HttpError(
        404,
        "PROVIDER_NOT_CONFIGURED",
        `provider ${provider} is not configured on this server`,
      );
    }
    return { baseUrl: up.baseUrl, apiKey: up.apiKey };
  };
  const upstreamHeaders = (
    provider: "anthropic" | "openai",
    request: Request,
    apiKey: NonNullable<Upstream["apiKey"]>,
  ) => {
    const headers = new Headers();
    for (const h of FORWARD) {
      const v = request.headers.get(h);
      if (v) headers.set(h, v);
    }
    if (provider === "anthropic") headers.set("x-api-key", apiKey.expose());
    else headers.set("authorization", `Bearer ${apiKey.expose()}`);
    return headers;
  };
  const copyHeaders = (res: Response) => {
    const out = new Headers();
    // Header values pass the redactor too: an upstream (or a proxy in front of it) may echo the key.
    res.headers.forEach((v, k) => {
      if (!DROP.has(k.toLowerCase())) out.set(k, d.redact(v));
    });
    return out;
  };
  const unreachable = (provider: string, e: unknown) => {
    d.log.error("passthrough.unreachable", {
      provider,
      message: d.redact(e instanceof Error ? e.message : String(e)),
    });
    return new HttpError(502, "UPSTREAM_ERROR", `upstream ${provider} unreachable`);
  };

  /**
   * `GET …/v1/models` (what `client.models.list()` asks): the upstream's list with the server's key,
   * its paging query passed on, showing only the models the allowlist lets through.
   */
  const modelsPath = (provider: "anthropic" | "openai") =>
    provider === "anthropic" ? "/v1/models" : "/models";
  /** A GET upstream with the server's key; the answer's text redacted, its headers copied. */
  const upstreamGet = async (provider: "anthropic" | "openai", url: string, request: Request) => {
    const { apiKey } = configured(provider);
    const ac = linkedAbort(request);
    let res: Response;
    try {
      res = await d.fetch(url, { headers: upstreamHeaders(provider, request, apiKey), signal: ac.signal });
    } catch (e) {
      throw unreachable(provider, e);
    }
    return { res, text: d.redact(await res.text()), headers: copyHeaders(res) };
  };

  const listModels = async (provider: "anthropic" | "openai", principal: Principal, request: Request) => {
    const { baseUrl } = configured(provider);
    await d.guard.admitListing(principal);
    const url = `${baseUrl}${modelsPath(provider)}${new URL(request.url).search}`;
    const { res, text, headers } = await upstreamGet(provider, url, request);
    if (!res.ok) return new Response(text, { status: res.status, headers });
    let list: { data?: unknown };
    try {
      list = JSON.parse(text) as { data?: unknown };
    } catch {
      throw new HttpError(
        502,
        "UPSTREAM_ERROR",
        `upstream ${provider} answered a model list that is not JSON`,
      );
    }
    if (Array.isArray(list.data))
      list.data = list.data.filter(
        (m) => typeof (m as { id?: unknown })?.id === "string" && d.guard.allows((m as { id: string }).id),
      );
    headers.set("content-type", "application/json");
    return new Response(JSON.stringify(list), { status: res.status, headers });
  };

  /** `GET …/v1/models/:id` (`models.retrieve(id)`): only a model the allowlist lets through (else 403). */
  const getModel = async (
    provider: "anthropic" | "openai",
    model: string,
    principal: Principal,
    request: Request,
  ) => {
    const { baseUrl } = configured(provider);
    await d.guard.admit(principal, provider, model);
    const url = `${baseUrl}${modelsPath(provider)}/${encodeURIComponent(model)}`;
    const { res, text, headers } = await upstreamGet(provider, url, request);
    return new Response(text, { status: res.status, headers });
  };

  const forward = async (
    provider: "anthropic" | "openai",
    path: string,
    principal: Principal,
    request: Request,
  ): Promise<Response> => {
    const { baseUrl, apiKey } = configured(provider);
    const raw = rawBodyOf(request) ?? (await readBodyLimited(request, d.maxBodyBytes));
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new HttpError(400, "INVALID_INPUT", "request body is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new HttpError(400, "INVALID_INPUT", "request body must be a JSON object");
    const m = (parsed as { model?: unknown }).model;
    const model = typeof m === "string" ? m : "";
    if (!model) throw new HttpError(400, "INVALID_INPUT", "body.model is required");
    await d.guard.admit(principal, provider, model);
    // The allowlist judged the model JSON.parse saw (the last of duplicate keys). An upstream that
    // reads the first one would run another model: when a body could be read two ways (more than one
    // "model", or escaped key text), what goes upstream is the parsed object, so both agree.
    const ambiguous = (raw.match(/"model"/g)?.length ?? 0) !== 1 || raw.includes("\\u");
    const outBody = ambiguous ? JSON.stringify(parsed) : raw;

    const headers = upstreamHeaders(provider, request, apiKey);
    // The body is JSON (checked above) whatever the caller labelled it (`curl -d` says form-urlencoded).
    headers.set("content-type", "application/json");

    const ac = linkedAbort(request);
    let res: Response;
    try {
      res = await d.fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers,
        body: outBody,
        signal: ac.signal,
      });
    } catch (e) {
      throw unreachable(provider, e);
    }
    const outHeaders = copyHeaders(res);
    const account = (u: SniffedUsage) => {
      const m = u.model ?? model;
      d.recordUsage(principal, {
        provider,
        model: m,
        inputTokens: u.inputTokens,
        outputTokens: u.outputTokens,
      });
      d.metrics.addTokens(provider, m, u.inputTokens, u.outputTokens);
    };

    if (!res.ok || !res.body) {
      const text = d.redact(await res.text());
      return new Response(text, { status: res.status, headers: outHeaders });
    }
    if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      const sniff = sniffSseUsage();
      d.metrics.streamStarted();
      let ended = false;
      const end = () => {
        if (!ended) {
          ended = true;
          d.metrics.streamEnded();
        }
      };
      sniff.done.then(account).finally(end);
      const body = res.body.pipeThrough(sniff.transform);
      // Wrap so a client cancel is seen here: end the gauge and abort the upstream fetch.
      const reader = body.getReader();
      const out = new ReadableStream<Uint8Array>({
        async pull(c) {
          try {
            const { value, done } = await reader.read();
            if (done) c.close();
            else c.enqueue(value);
          } catch (e) {
            end();
            sniff.settle();
            if (ac.signal.aborted) return c.close();
            // The upstream died mid-stream: end with the provider's own error event, so the SDK
            // raises an error instead of taking a truncated stream for a finished one.
            // The caller gets the system error code at most, never the exception's text (the log has it).
            const code = systemCode(e);
            const message = `upstream ${provider} stream failed${code ? ` (${code})` : ""}`;
            d.log.error("passthrough.stream_failed", {
              provider,
              model,
              message,
              detail: d.redact(e instanceof Error ? e.message : String(e)),
            });
            c.enqueue(new TextEncoder().encode(streamErrorFrame(provider, message)));
            c.close();
          }
        },
        async cancel() {
          end();
          sniff.settle();
          ac.abort();
          await reader.cancel().catch(() => {});
        },
      });
      return new Response(out, { status: res.status, headers: outHeaders });
    }
    const text = await res.text();
    const u: SniffedUsage = { inputTokens: 0, outputTokens: 0 };
    try {
      applyUsage(u, JSON.parse(text) as Record<string, unknown>);
    } catch {
      // not JSON: forwarded as-is, nothing counted
    }
    account(u);
    return new Response(text, { status: res.status, headers: outHeaders });
  };

  return new Elysia({ prefix: "/proxy", detail: { tags: ["proxy"] } })
    .use(authPlugin(d.resolvers))
    .post(
      "/anthropic/v1/messages",
      ({ principal, request }) => forward("anthropic", "/v1/messages", principal, request),
      {
        auth: true,
        detail: {
          summary: "Anthropic Messages API pass-through (x-api-key: lt_…)",
          operationId: "proxy.anthropic.messages",
          ...access("UseLlm", "llm"),
        },
      },
    )
    .get("/anthropic/v1/models", ({ principal, request }) => listModels("anthropic", principal, request), {
      auth: true,
      detail: {
        summary: "Anthropic model list pass-through: the upstream's models the allowlist lets through",
        operationId: "proxy.anthropic.models",
        ...access("UseLlm", "llm"),
      },
    })
    .get(
      "/anthropic/v1/models/:model",
      ({ principal, params, request }) => getModel("anthropic", params.model, principal, request),
      {
        auth: true,
        params: ModelParams,
        detail: {
          summary: "Anthropic model pass-through: one model, when the allowlist lets it through",
          operationId: "proxy.anthropic.model",
          ...access("UseLlm", "llm"),
        },
      },
    )
    .get(
      "/openai/v1/models/:model",
      ({ principal, params, request }) => getModel("openai", params.model, principal, request),
      {
        auth: true,
        params: ModelParams,
        detail: {
          summary: "OpenAI model pass-through: one model, when the allowlist lets it through",
          operationId: "proxy.openai.model",
          ...access("UseLlm", "llm"),
        },
      },
    )
    .get("/openai/v1/models", ({ principal, request }) => listModels("openai", principal, request), {
      auth: true,
      detail: {
        summary: "OpenAI model list pass-through: the upstream's models the allowlist lets through",
        operationId: "proxy.openai.models",
        ...access("UseLlm", "llm"),
      },
    })
    .post(
      "/openai/v1/chat/completions",
      ({ principal, request }) => forward("openai", "/chat/completions", principal, request),
      {
        auth: true,
        detail: {
          summary: "OpenAI Chat Completions pass-through (Authorization: Bearer lt_…)",
          operationId: "proxy.openai.chat",
          ...access("UseLlm", "llm"),
        },
      },
    );
}
