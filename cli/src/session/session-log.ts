/**
 * The session's log: one line per meaningful event, written to the log file (default
 * `<state dir>/logs/loom.log`) so the REPL screen stays clean. Text deltas are not logged; tool
 * inputs and results are cut short; secrets are redacted by the logger.
 */
import type { LoomConfig } from "@loom/runtime/config/schema";
import { createLogger, type Logger } from "@loom/runtime/log";
import type { Env } from "@loom/runtime/paths";
import type { SessionEvent } from "./events.ts";

const cut = (v: unknown, n = 200): string => {
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? "");
  return s.length > n ? `${s.slice(0, n)}…` : s;
};

export function createSessionLog(config: LoomConfig, env: Env, fields: Record<string, string>): Logger {
  return createLogger({
    level: config.log.level,
    format: config.log.format,
    ...(config.log.file ? { file: config.log.file } : {}),
    env,
    fields: { component: "session", ...fields },
  });
}

export function logSessionEvent(log: Logger, e: SessionEvent): void {
  switch (e.type) {
    case "agent.text_delta":
    case "tool.progress":
    case "agent.message":
      return;
    case "state.changed":
      log.debug("state.changed", { from: e.from, to: e.to });
      return;
    case "tool.started":
      log.info("tool.started", { tool: e.name, callId: e.callId, input: cut(e.input) });
      return;
    case "tool.completed":
      (e.isError ? log.warn : log.info)("tool.completed", {
        tool: e.name,
        callId: e.callId,
        durationMs: e.durationMs,
        isError: e.isError,
        result: cut(e.result),
      });
      return;
    case "llm.usage":
      log.info("llm.usage", { model: e.model, ...e.usage });
      return;
    case "llm.failed":
      log.warn("llm.failed", { ...e.error, retries: e.retries, willRetry: e.willRetry, delayMs: e.delayMs });
      return;
    case "turn.completed":
      log.info("turn.completed", { reason: e.result.reason, error: e.result.error });
      return;
    case "agent.error":
      log.error("agent.error", { source: e.source, message: e.message });
      return;
    case "context.compacted":
      log.info("context.compacted", { ...e });
      return;
    case "undo.recorded":
      log.info("undo.recorded", { files: e.entry.files?.length });
      return;
    case "git.committed":
      log.info("git.committed", { commit: e.commit, message: e.message });
      return;
    case "session.notice":
      (e.level === "warn" ? log.warn : log.info)("session.notice", { message: e.message });
      return;
    case "thread.saved":
      log.debug("thread.saved", { threadId: e.threadId });
      return;
    default: {
      const never: never = e;
      log.debug("event", { type: (never as { type: string }).type });
    }
  }
}
