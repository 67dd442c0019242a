/**
 * A server's MCP resources, offered to the model as two read-only tools when the server declares
 * the `resources` capability: `<server>__list_resources` (URI, name, type, description; paged by
 * cursor) and `<server>__read_resource` (a URI's contents, rendered like a tool result: text, and
 * images attached). They let the model follow the resource links tools return. A server tool of
 * the same name wins; `tools.allow` / `tools.deny` name them `list_resources` / `read_resource`.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool, ToolResult } from "../tool.ts";
import { mcpResult } from "./mcp-result.ts";
import { mcpToolName } from "./mcp-tool.ts";

export const RESOURCE_TOOLS = ["list_resources", "read_resource"] as const;

export interface ResourceToolOptions {
  server: string;
  client: () => Client | undefined;
  timeoutMs: number;
}

export function resourceTools(names: readonly string[], options: ResourceToolOptions): Tool[] {
  const { server } = options;
  const connected = (): Client => {
    const client = options.client();
    if (!client) throw new Error(`MCP server ${server} is not connected`);
    return client;
  };
  const all: Record<(typeof RESOURCE_TOOLS)[number], Tool> = {
    list_resources: {
      name: mcpToolName(server, "list_resources"),
      description: `List the resources MCP server ${server} offers (URI, name, type); read one with ${mcpToolName(server, "read_resource")}`,
      inputSchema: {
        type: "object",
        properties: { cursor: { type: "string", description: "The nextCursor of the previous page" } },
      },
      mutating: false,
      timeoutMs: options.timeoutMs,
      source: `mcp:${server}`,
      async invoke(input, ctx): Promise<ToolResult> {
        const cursor = (input as { cursor?: unknown } | undefined)?.cursor;
        const r = await connected().listResources(typeof cursor === "string" ? { cursor } : {}, {
          signal: ctx.signal,
          timeout: options.timeoutMs,
        });
        const lines = r.resources.map((x) =>
          [x.uri, x.name, x.mimeType ?? "", x.description?.split("\n")[0] ?? ""].join("  ").trimEnd(),
        );
        if (r.nextCursor) lines.push(`nextCursor: ${r.nextCursor}`);
        return { output: lines.join("\n") || "no resources" };
      },
    },
    read_resource: {
      name: mcpToolName(server, "read_resource"),
      description: `Read a resource of MCP server ${server} by its URI`,
      inputSchema: {
        type: "object",
        properties: { uri: { type: "string", description: "The resource's URI" } },
        required: ["uri"],
      },
      mutating: false,
      timeoutMs: options.timeoutMs,
      source: `mcp:${server}`,
      async invoke(input, ctx): Promise<ToolResult> {
        const uri = (input as { uri?: unknown } | undefined)?.uri;
        if (typeof uri !== "string" || !uri)
          return { output: "TOOL_INPUT_INVALID: uri is required", isError: true };
        const r = await connected().readResource({ uri }, { signal: ctx.signal, timeout: options.timeoutMs });
        const { text, images } = mcpResult({
          content: r.contents.map((resource) => ({ type: "resource" as const, resource })),
        });
        return { output: text, ...(images.length ? { images } : {}) };
      },
    },
  };
  return RESOURCE_TOOLS.filter((n) => names.includes(n)).map((n) => all[n]);
}
