/**
 * ACP's `mcpServers` (in `session/new` and `session/load`) as Loom MCP server entries: stdio ones
 * run their command, `http` ones use streamable HTTP, `sse` ones the legacy SSE transport. Names
 * become `[A-Za-z0-9_-]` (their tools are `<name>__<tool>`); a repeated name gets a number.
 */
import type * as acp from "@agentclientprotocol/sdk";
import type { McpServerConfig } from "@loom/runtime/config/schema";

const pairs = (list: ReadonlyArray<{ name: string; value: string }> | undefined) =>
  Object.fromEntries((list ?? []).map((p) => [p.name, p.value]));

export function acpMcpServers(list: readonly acp.McpServer[] | undefined): Record<string, McpServerConfig> {
  const out: Record<string, McpServerConfig> = {};
  for (const server of list ?? []) {
    const base = server.name.replace(/[^A-Za-z0-9_-]/g, "_") || "mcp";
    let name = base;
    for (let n = 2; name in out; n++) name = `${base}${n}`;
    if ("type" in server && (server.type === "http" || server.type === "sse")) {
      out[name] = {
        url: server.url,
        headers: pairs(server.headers),
        transport: server.type === "sse" ? "sse" : "streamable-http",
      };
    } else if ("command" in server) {
      out[name] = { command: server.command, args: [...server.args], env: pairs(server.env) };
    }
  }
  return out;
}
