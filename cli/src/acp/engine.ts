/**
 * What the ACP server needs from the rest of Loom. `createLoomEngine` (loom-engine.ts) builds the
 * real one on the CLI session (config → LlmClient → tools → agent, local thread store); protocol
 * tests may pass another.
 */
import type { McpServerConfig, PermissionMode } from "@loom/runtime/config/schema";
import type { FinishReason, ImagePart, Message, ToolCall, Usage } from "@loom/runtime/llm";
import type { Tool, ToolProgress, ToolResult } from "@loom/runtime/tool";
import type { CustomCommand } from "../session/custom-commands.ts";

export type { PermissionMode };

export interface SessionSummary {
  id: string;
  cwd: string;
  title: string;
  updatedAt: string;
}

/** What happens during a turn, in order. */
export type TurnEvent =
  | { type: "text"; text: string }
  | { type: "tool.started"; call: ToolCall; tool: Tool | undefined }
  | { type: "tool.progress"; callId: string; progress: ToolProgress }
  | { type: "tool.completed"; call: ToolCall; result: ToolResult }
  | { type: "usage"; usage: Usage };

/** `max_turn_requests`: the turn reached `[agent] max_steps` and the user chose to stop. */
export type TurnStopReason = FinishReason | "cancelled" | "max_turn_requests";

/** Given by the ACP layer to every session it opens. */
export interface SessionHooks {
  /** Replaces a tool's implementation (client-backed files and terminals). */
  wrapTool(tool: Tool): Tool;
  /** Asked before a mutating tool runs; `false` refuses the call (the model is told). */
  approve(call: ToolCall, tool: Tool | undefined): Promise<boolean>;
  /** Asked when a turn has made `steps` model requests (the limit); `true` lets it go on. */
  continueAtStepLimit(steps: number): Promise<boolean>;
  /** Asked after the sandbox refused tool call `callId`'s command: may it run once outside? */
  askOutsideSandbox?(request: { callId: string; command: string; denial: string }): Promise<boolean>;
  /** Asked once when no sandbox can be made (auto mode): may commands run without one? */
  askUnsandboxed?(reason: string): Promise<boolean>;
}

/** One open conversation (a Loom thread). */
export interface EngineSession {
  readonly id: string;
  readonly cwd: string;
  readonly messages: readonly Message[];
  /** The thread's title (explicit, else its first user line) and last save time. */
  readonly title: string;
  readonly updatedAt: string;
  readonly mode: PermissionMode;
  readonly model: string;
  /** Models the session can switch to (the catalogue's, for its provider). */
  readonly models: readonly string[];
  /** Size of the model's context window in tokens (for `usage_update`). */
  readonly contextWindow: number;
  /** The user's Markdown commands for this session's workspace (published with the built-ins). */
  readonly customCommands?: readonly CustomCommand[];
  /**
   * Runs one user turn to its end; aborting `signal` cancels it. The thread is saved. `tools`
   * limits the turn's tools (a custom command's `allowed-tools`).
   */
  prompt(
    text: string,
    signal: AbortSignal,
    onEvent: (e: TurnEvent) => void,
    images?: ImagePart[],
    tools?: readonly string[],
  ): Promise<TurnStopReason>;
  /** Applies a permission mode (after the running turn, if any). */
  setMode(mode: PermissionMode): void;
  /** Switches the model; rejects while a turn runs. */
  setModel(model: string): Promise<void>;
  /** Runs one of `COMMANDS` (commands.ts) with its argument; what it prints, as text. */
  command(name: string, arg: string): Promise<string>;
  close(): Promise<void>;
}

/** What a client asks for a session besides its directory. */
export interface SessionOptions {
  /** The client's MCP servers (ACP `mcpServers`), by name. */
  mcpServers?: Record<string, McpServerConfig>;
}

export interface AcpEngine {
  newSession(cwd: string, hooks: SessionHooks, options?: SessionOptions): Promise<EngineSession>;
  /** `undefined` when there is no such session. */
  loadSession(
    id: string,
    cwd: string,
    hooks: SessionHooks,
    options?: SessionOptions,
  ): Promise<EngineSession | undefined>;
  listSessions(cwd?: string): Promise<SessionSummary[]>;
  /** Deletes a stored session; `false` when there is no such session. */
  deleteSession(id: string): Promise<boolean>;
  /**
   * Checks that a session could reach its model now (config re-read): resolves, or rejects with
   * Loom's MISSING_CREDENTIALS error saying what to set.
   */
  checkCredentials(): Promise<void>;
}
