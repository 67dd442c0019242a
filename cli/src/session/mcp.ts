/**
 * A session's MCP servers (`[mcp.servers.*]`, plus those a front end brings, e.g. ACP's
 * `mcpServers`). Started in the background: the SDK is imported and the servers connect while the
 * first prompt goes out. Their tools reach the session through `onChange`; a call to a tool of a
 * server still starting waits for that server (`waitForTool`).
 */
import type { McpServerConfig } from "@loom/runtime/config/schema";
import { formatError } from "@loom/runtime/errors";
import type { McpManager } from "@loom/runtime/mcp/manager";
import type { Env } from "@loom/runtime/paths";
import type { Tool } from "@loom/runtime/tool";

export interface SessionMcp {
  tools(): Tool[];
  waitForTool(name: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface SessionMcpOptions {
  servers: Record<string, McpServerConfig>;
  workspace: string;
  env: Env;
  onChange(tools: Tool[]): void;
  onWarning(warning: string): void;
}

/** Absent when no server is enabled: nothing is imported or started. */
export function startSessionMcp(options: SessionMcpOptions): SessionMcp | undefined {
  const names = Object.entries(options.servers)
    .filter(([, c]) => c.enabled !== false)
    .map(([name]) => name);
  if (names.length === 0) return undefined;
  let current: McpManager | undefined;
  let closed = false;
  const manager = import("@loom/runtime/mcp/manager").then(
    ({ createMcpManager }) => {
      current = createMcpManager(options);
      if (closed) void current.close();
      return current;
    },
    (e) => {
      options.onWarning(`MCP servers not started: ${formatError(e)}`);
      return undefined;
    },
  );
  return {
    tools: () => current?.tools() ?? [],
    async waitForTool(name, signal) {
      if (!names.some((n) => name.startsWith(`${n}__`))) return;
      await (await manager)?.waitForTool(name, signal);
    },
    async close() {
      closed = true;
      await (await manager)?.close();
    },
  };
}
