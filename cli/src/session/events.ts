/**
 * What a session tells its front end: the agent's own events plus the session's (compaction,
 * undo snapshots, refusals, auto-commits, saves).
 */
import type { AgentEvent } from "@loom/runtime/agent/types";
import type { UndoEntry } from "@loom/runtime/undo/snapshots";

export type SessionEvent =
  | AgentEvent
  | {
      type: "context.compacted";
      stage: "pruned" | "summarized";
      beforeTokens: number;
      afterTokens: number;
      summarySource?: "llm" | "extractive";
    }
  | { type: "undo.recorded"; entry: UndoEntry }
  | { type: "git.committed"; commit: string; message: string }
  | { type: "session.notice"; level: "info" | "warn"; message: string }
  | { type: "thread.saved"; threadId: string };

export type SessionListener = (event: SessionEvent) => void;
