/** What both proxy route sets (llm-routes.ts, passthrough.ts) are built from, and the abort link they share. */
import type { PrincipalResolver } from "../auth/principal.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../ops/metrics.ts";
import type { ProxyGuard } from "./guard.ts";
import type { UsageRecorder } from "./usage.ts";

export interface ProxyDeps {
  resolvers: PrincipalResolver[];
  guard: ProxyGuard;
  recordUsage: UsageRecorder;
  metrics: Metrics;
  redact: (s: string) => string;
  log: Logger;
}

/** Aborts when the client goes away (request signal) or the response stream is cancelled. */
export function linkedAbort(request: Request): AbortController {
  const ac = new AbortController();
  if (request.signal.aborted) ac.abort();
  else request.signal.addEventListener("abort", () => ac.abort(), { once: true });
  return ac;
}
