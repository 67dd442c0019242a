/**
 * A session's product events for the team server (specs/analytics.md "Loom's own events"): in team
 * mode only (`server.url` and a token), unless `[telemetry] enabled = false` or `DO_NOT_TRACK`. What is
 * sent is a closed list of fields: the surface (repl, run, acp), provider and model names, tool names
 * with duration and outcome, token counts and cost. Never a prompt, a message, a tool's input or
 * output, a path or a file's content.
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import type { Env } from "@loom/runtime/paths";
import { costOf } from "@loom/runtime/providers/catalogue";
import { createTelemetry, type Telemetry, telemetryAllowed } from "@loom/runtime/sync/telemetry";
import { VERSION } from "@loom/runtime/version";
import type { SessionEvent } from "./events.ts";
import { serverToken } from "./server-token.ts";

export type Surface = "repl" | "run" | "acp" | "other";

export interface SessionTelemetry {
  started(o: { provider: string; model: string; resumed: boolean }): void;
  observe(e: SessionEvent, provider: string): void;
  flush(timeoutMs?: number): Promise<void>;
  close(): void;
}

export function createSessionTelemetry(
  config: LoomConfig,
  env: Env,
  surface: Surface,
  deps: { fetch?: typeof fetch } = {},
): SessionTelemetry | undefined {
  const serverUrl = config.server.url;
  if (!serverUrl || !telemetryAllowed(config.telemetry.enabled, env)) return undefined;
  const token = serverToken(serverUrl, env);
  if (!token) return undefined;
  const t: Telemetry = createTelemetry({ serverUrl, token: token.expose(), fetch: deps.fetch });
  return {
    started: (o) =>
      t.track("session.started", {
        surface,
        provider: o.provider,
        model: o.model,
        resumed: o.resumed,
        loom_version: VERSION,
      }),
    observe(e, provider) {
      switch (e.type) {
        case "tool.completed":
          t.track("tool.used", {
            tool: e.name,
            duration_ms: Math.round(e.durationMs),
            outcome: e.isError ? "error" : "ok",
          });
          return;
        case "llm.usage":
          t.track("model.used", {
            provider,
            model: e.model,
            input_tokens: e.usage.inputTokens,
            output_tokens: e.usage.outputTokens,
            cost_usd: costOf(e.model, e.usage) ?? null,
          });
          return;
        default:
          return;
      }
    },
    flush: (timeoutMs) => t.flush(timeoutMs),
    close: () => t.close(),
  };
}
