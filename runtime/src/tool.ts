/**
 * The tool contract. Every tool, whatever its source (TypeScript, WASM, later MCP), is one of these.
 */
import type { ImagePart, LlmClient, ToolSpec } from "./llm.ts";
import type { Sandbox } from "./sandbox/types.ts";

export interface ToolProgress {
  message?: string;
  data?: unknown;
}

/** Capabilities granted to a tool invocation (from its manifest and the user's grants). */
export interface ToolCapabilities {
  read: boolean;
  write: boolean;
  exec: boolean;
  network: string[];
  env: string[];
}

export interface ToolContext {
  /** Canonical absolute path of the workspace root. */
  workspaceRoot: string;
  signal: AbortSignal;
  callId: string;
  capabilities?: ToolCapabilities;
  onProgress?: (progress: ToolProgress) => void;
  /** A second model for tools that consult one (the oracle); set by the driver when configured. */
  llm?: LlmClient;
  /** Model id to ask through `llm`. */
  oracleModel?: string;
  /** Where tools that start processes run them (bash); absent: unsandboxed (a trusted direct call). */
  sandbox?: Sandbox;
}

export interface ToolResult {
  /** JSON-serialisable output; strings go to the model as they are, anything else as JSON. */
  output: unknown;
  isError?: boolean;
  /** Images the tool returned, sent to the model beside `output` (as image blocks of the tool result). */
  images?: ImagePart[];
}

export interface Tool extends ToolSpec {
  /** Changes the workspace (edit, bash): leads the machine through PostToolsHook. */
  mutating?: boolean;
  /** Per-call timeout the driver enforces, ms. */
  timeoutMs?: number;
  /** Plugin that provides the tool, for error messages and clash reports. */
  source?: string;
  invoke(input: unknown, ctx: ToolContext): Promise<ToolResult>;
}

/** Renders a tool result as the text the model sees. */
export function toolOutputText(result: ToolResult): string {
  return typeof result.output === "string" ? result.output : JSON.stringify(result.output);
}
