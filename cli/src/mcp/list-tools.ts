/**
 * The tools of the configured MCP servers, for `loom tools list`: every enabled server is started
 * (all at once, each within its `timeout_ms`), listed and closed. A server that fails is one
 * warning; the others' tools are still listed.
 */
import type { McpServerConfig } from "@loom/runtime/config/schema";
import type { Env } from "@loom/runtime/paths";
import type { Tool } from "@loom/runtime/tool";

export async function listMcpTools(
  servers: Record<string, McpServerConfig>,
  options: { workspace: string; env: Env; onWarning: (warning: string) => void },
): Promise<Tool[]> {
  if (!Object.values(servers).some((s) => s.enabled !== false)) return [];
  const { createMcpManager } = await import("@loom/runtime/mcp/manager");
  const manager = createMcpManager({ servers, ...options });
  try {
    await manager.settled();
    return manager.tools();
  } finally {
    await manager.close();
  }
}
