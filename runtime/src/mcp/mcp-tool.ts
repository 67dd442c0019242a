/**
 * An MCP server's tool as a Loom `Tool`: named `<server>__<tool>`, its JSON schema passed on,
 * mutating unless the server marks it `readOnlyHint`, called with the turn's signal (the SDK sends
 * `notifications/cancelled` when it fires) and progress, and its result rendered for the model
 * (text, and the images it returned).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import type { Tool, ToolResult } from "../tool.ts";
import { mcpResult } from "./mcp-result.ts";

/** Separates the server's name from its tool's in the names the model sees. */
export const MCP_NAME_SEPARATOR = "__";
/** Provider APIs accept tool names of at most 64 characters from `[A-Za-z0-9_-]`. */
const MAX_NAME = 64;

export function mcpToolName(server: string, tool: string): string {
  return `${server}${MCP_NAME_SEPARATOR}${tool.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, MAX_NAME);
}

export interface McpToolOptions {
  server: string;
  /** The live client, read at call time: a restarted server has a new one. */
  client: () => Client | undefined;
  timeoutMs: number;
}

export function mcpTool(spec: McpTool, options: McpToolOptions): Tool {
  const { server } = options;
  const name = mcpToolName(server, spec.name);
  const description = spec.description ?? spec.annotations?.title ?? spec.title ?? spec.name;
  return {
    name,
    description: `${description} (MCP server ${server})`,
    inputSchema: spec.inputSchema as Record<string, unknown>,
    mutating: spec.annotations?.readOnlyHint !== true,
    timeoutMs: options.timeoutMs,
    source: `mcp:${server}`,
    async invoke(input, ctx): Promise<ToolResult> {
      const client = options.client();
      if (!client) return { output: `TOOL_FAILED: MCP server ${server} is not connected`, isError: true };
      const result = await client.callTool(
        { name: spec.name, arguments: (input ?? {}) as Record<string, unknown> },
        undefined,
        {
          signal: ctx.signal,
          timeout: options.timeoutMs,
          onprogress: (p) => ctx.onProgress?.({ ...(p.message ? { message: p.message } : {}), data: p }),
        },
      );
      const { text, images } = mcpResult(result);
      return { output: text, isError: result.isError === true, ...(images.length ? { images } : {}) };
    },
  };
}
