/**
 * The `--json` event stream of `loom run`: one JSON object per line, with a stable, documented
 * shape (specs/cli.md) rather than the agent's internal events.
 */
import type { SessionEvent } from "./events.ts";

export type JsonEvent = Record<string, unknown> & { type: string };

export function toJsonEvent(e: SessionEvent): JsonEvent | undefined {
  switch (e.type) {
    case "agent.text_delta":
      return { type: "text.delta", text: e.text };
    case "agent.message":
      return { type: "assistant.message", text: e.message.content, toolCalls: e.message.toolCalls ?? [] };
    case "tool.started":
      return { type: "tool.started", id: e.callId, name: e.name, input: e.input };
    case "tool.progress":
      return { type: "tool.progress", id: e.callId, name: e.name, message: e.progress.message ?? null };
    case "tool.completed":
      return {
        type: "tool.completed",
        id: e.callId,
        name: e.name,
        isError: e.isError,
        output: e.result,
        durationMs: e.durationMs,
      };
    case "llm.usage":
      return { type: "usage", model: e.model, ...e.usage };
    case "llm.failed":
      return {
        type: "llm.failed",
        kind: e.error.kind,
        message: e.error.message,
        willRetry: e.willRetry,
        delayMs: e.delayMs ?? null,
      };
    case "agent.error":
      return { type: "error", source: e.source, message: e.message };
    case "context.compacted":
      return { ...e };
    case "undo.recorded":
      return { type: "undo.recorded", turn: e.entry.turn, files: e.entry.files };
    case "git.committed":
      return { ...e };
    case "session.notice":
      return { type: "notice", level: e.level, message: e.message };
    case "state.changed":
    case "turn.completed":
    case "thread.saved":
      return undefined;
    default: {
      const never: never = e;
      return never;
    }
  }
}
