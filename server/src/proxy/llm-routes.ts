/**
 * `/proxy/{provider}/complete` (JSON) and `/proxy/{provider}/stream` (SSE of LlmEvent). The server's
 * LlmClients hold the keys; the caller holds a Loom token. A client disconnect aborts the upstream call.
 */

import type { LlmClient, LlmEvent } from "@loom/runtime/llm";
import { encodeSse } from "@loom/runtime/sync/sse";
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { authPlugin } from "../auth/plugin.ts";
import type { Principal } from "../auth/principal.ts";
import { HttpError, jsonError } from "../http-error.ts";
import { linkedAbort, type ProxyDeps } from "./deps.ts";
import { LlmRequestSchema } from "./schema.ts";
import { publicFailure } from "./upstream-error.ts";

export interface LlmRouteDeps extends ProxyDeps {
  providers: Record<string, LlmClient>;
}

export function llmRoutes(d: LlmRouteDeps) {
  const client = (provider: string): LlmClient => {
    // Own keys only: "constructor" is a valid provider name and would find Object's constructor.
    const c = Object.hasOwn(d.providers, provider) ? d.providers[provider] : undefined;
    if (!c)
      throw new HttpError(
        404,
        "PROVIDER_NOT_CONFIGURED",
        `provider ${provider} is not configured on this server`,
      );
    return c;
  };
  const account = (
    p: Principal,
    provider: string,
    model: string,
    u: { inputTokens: number; outputTokens: number },
  ) => {
    d.recordUsage(p, { provider, model, inputTokens: u.inputTokens, outputTokens: u.outputTokens });
    d.metrics.addTokens(provider, model, u.inputTokens, u.outputTokens);
  };
  /** Logs a failure with its original (redacted) text; answers what the caller may see of it. */
  const failure = (event: string, provider: string, model: string, e: unknown) => {
    const { info, detail } = publicFailure(provider, e, d.redact);
    d.log.error(event, { provider, model, kind: info.kind, detail });
    return info;
  };
  const params = t.Object({ provider: t.String({ pattern: "^[a-z0-9-]+$" }) });

  return new Elysia({ prefix: "/proxy", detail: { tags: ["proxy"] } })
    .use(authPlugin(d.resolvers))
    .post(
      "/:provider/complete",
      async ({ principal, params, body, request }) => {
        const llm = client(params.provider);
        await d.guard.admit(principal, params.provider, body.model);
        const ac = linkedAbort(request);
        try {
          const res = await llm.complete(body, ac.signal);
          account(principal, params.provider, res.model || body.model, res.usage);
          return res;
        } catch (e) {
          const info = failure("proxy.failed", params.provider, body.model, e);
          const res = jsonError(info.kind === "rate_limited" ? 429 : 502, "UPSTREAM_ERROR", info.message, {
            llm: info,
          });
          if (info.retryAfterMs !== undefined)
            res.headers.set("retry-after", String(Math.ceil(info.retryAfterMs / 1000)));
          return res;
        }
      },
      {
        auth: true,
        params,
        body: LlmRequestSchema,
        parse: "json",
        detail: {
          summary: "One LLM completion (LlmRequest → LlmResponse)",
          operationId: "proxy.complete",
          ...access("UseLlm", "llm"),
        },
      },
    )
    .post(
      "/:provider/stream",
      async ({ principal, params, body, request }) => {
        const llm = client(params.provider);
        await d.guard.admit(principal, params.provider, body.model);
        const ac = linkedAbort(request);
        const enc = new TextEncoder();
        let iterator: AsyncIterator<LlmEvent> | undefined;
        let ended = false;
        // The last usage seen; a stream cut short (client gone, upstream failed) after the provider
        // started answering still counts as a request with it, so a caller cannot make calls that never
        // show in /api/usage by hanging up. One refused before any event (unknown model) is not counted.
        let usage = { inputTokens: 0, outputTokens: 0 };
        let answered = false;
        let accounted = false;
        const settle = (model = body.model) => {
          if (accounted || !answered) return;
          accounted = true;
          account(principal, params.provider, model, usage);
        };
        const end = () => {
          if (!ended) {
            ended = true;
            d.metrics.streamEnded();
            settle();
          }
        };
        d.metrics.streamStarted();
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            try {
              iterator ??= llm.stream(body, ac.signal)[Symbol.asyncIterator]();
              const next = await iterator.next();
              if (next.done) {
                end();
                controller.close();
                return;
              }
              const ev = next.value;
              answered = true;
              if (ev.type === "usage") usage = ev.usage;
              if (ev.type === "completed") {
                usage = ev.response.usage;
                settle(ev.response.model || body.model);
              }
              controller.enqueue(enc.encode(encodeSse(ev.type, ev)));
            } catch (e) {
              end();
              if (ac.signal.aborted) return controller.close();
              const info = failure("proxy.stream_failed", params.provider, body.model, e);
              controller.enqueue(enc.encode(encodeSse("error", info)));
              controller.close();
            }
          },
          async cancel() {
            end();
            ac.abort();
            await iterator?.return?.().catch(() => {});
          },
        });
        return new Response(stream, {
          headers: {
            "content-type": "text/event-stream",
            "cache-control": "no-cache",
            "x-accel-buffering": "no",
          },
        });
      },
      {
        auth: true,
        params,
        body: LlmRequestSchema,
        parse: "json",
        detail: {
          summary:
            "Stream an LLM completion as SSE (events named by LlmEvent type; `error` carries LlmErrorInfo)",
          operationId: "proxy.stream",
          ...access("UseLlm", "llm"),
        },
      },
    );
}
