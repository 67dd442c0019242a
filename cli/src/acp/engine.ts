/**
 * What the ACP server needs from the rest of Loom. `createLoomEngine` builds the real one from the
 * CLI session setup (config → LlmClient → tool registry → agent, local thread store); protocol
 * tests may pass another.
 */
import type { PermissionMode } from "@loom/runtime/config/schema";
import type { FinishReason, Message, ToolCall, Usage } from "@loom/runtime/llm";
import type { Tool, ToolProgress, ToolResult } from "@loom/runtime/tool";

export type { PermissionMode };

/** One conversation as the ACP layer sees it (a Loom thread). */
export interface SessionRecord {
  id: string;
  cwd: string;
  title: string;
  updatedAt: string;
  messages: Message[];
}

export type SessionSummary = Omit<SessionRecord, "messages">;

/** What happens during a turn, in order. */
export type TurnEvent =
  | { type: "text"; text: string }
  | { type: "tool.started"; call: ToolCall; tool: Tool | undefined }
  | { type: "tool.progress"; callId: string; progress: ToolProgress }
  | { type: "tool.completed"; call: ToolCall; result: ToolResult }
  | { type: "usage"; usage: Usage };

export type TurnStopReason = FinishReason | "cancelled";

export interface TurnRequest {
  session: SessionRecord;
  prompt: string;
  signal: AbortSignal;
  /** Replaces the registry's implementation of a tool (client-backed files and terminals). */
  wrapTool: (tool: Tool) => Tool;
  /** Asked before a mutating tool runs; `false` skips it and tells the model it was rejected. */
  approve: (call: ToolCall, tool: Tool) => Promise<boolean>;
  onEvent: (event: TurnEvent) => void;
}

export interface AcpEngine {
  /** Size of the model's context window in tokens (for `usage_update`). */
  readonly contextWindow: number;
  /** The permission mode sessions start in (from config). */
  readonly defaultMode: PermissionMode;
  newSession(cwd: string): Promise<SessionRecord>;
  loadSession(id: string): Promise<SessionRecord | undefined>;
  listSessions(cwd?: string): Promise<SessionSummary[]>;
  /** Runs one user turn to its end; the session's messages are updated and persisted. */
  prompt(request: TurnRequest): Promise<TurnStopReason>;
}
