/**
 * `loom mcp serve`: Loom's tool registry (built-ins and installed WASM plugins) as an MCP server,
 * over stdio or, with `--http`, streamable HTTP on 127.0.0.1. Each call runs as in a session:
 * confined to the workspace, under the tool's timeout, cancelled by `notifications/cancelled`, and
 * a tool that changes the workspace only as the permission mode allows: `auto` runs it, `ask` asks
 * the client (MCP elicitation; refused when the client cannot be asked), `read-only` does not list it.
 */

import { systemClock } from "@loom/runtime/agent/clock";
import { runToolCall } from "@loom/runtime/agent/run-tool";
import type { PermissionMode } from "@loom/runtime/config/schema";
import type { Sandbox } from "@loom/runtime/sandbox/types";
import type { Tool } from "@loom/runtime/tool";
import { VERSION } from "@loom/runtime/version";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { readOnlyRefusal } from "../session/permissions.ts";

export interface ServeOptions {
  tools: readonly Tool[];
  workspace: string;
  mode: PermissionMode;
  toolTimeoutMs: number;
  /** Where commands (bash) run: the session's OS sandbox policy. */
  sandbox?: Sandbox;
  /** The transport lets the server ask the client mid-call (stdio); stateless HTTP cannot. */
  canAsk: boolean;
}

const refusal = (text: string) => ({ content: [{ type: "text" as const, text }], isError: true });

/** One MCP server over Loom's tools; one per connection. */
export function createLoomMcpServer(options: ServeOptions): Server {
  const server = new Server({ name: "loom", version: VERSION }, { capabilities: { tools: {} } });
  const offered = options.tools.filter((t) => options.mode !== "read-only" || !t.mutating);
  const byName = new Map(offered.map((t) => [t.name, t]));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: offered.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: { type: "object" as const, ...t.inputSchema },
      annotations: { readOnlyHint: t.mutating !== true, destructiveHint: t.mutating === true },
    })),
  }));

  /** Asks the client whether a call that changes the workspace may run. */
  const permission = async (call: { name: string; input: unknown }): Promise<"allow" | "deny"> => {
    if (options.mode === "auto") return "allow";
    const answer = await server.elicitInput({
      message: `Loom: allow ${call.name} to change ${options.workspace}? Input: ${JSON.stringify(call.input)}`,
      requestedSchema: { type: "object", properties: { allow: { type: "boolean", title: "Allow" } } },
    });
    return answer.action === "accept" && answer.content?.allow === true ? "allow" : "deny";
  };

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: input = {} } = request.params;
    if (options.mode === "read-only" && options.tools.some((t) => t.name === name && t.mutating)) {
      return refusal(readOnlyRefusal(name));
    }
    const canAsk = options.canAsk && server.getClientCapabilities()?.elicitation !== undefined;
    if (options.mode === "ask" && !canAsk && byName.get(name)?.mutating) {
      return refusal(
        `PERMISSION_DENIED: ${name} changes the workspace and this MCP client cannot be asked for approval ` +
          "(it does not support elicitation). Serve with --permission-mode auto to allow changes.",
      );
    }
    const result = await runToolCall(
      { id: String(extra.requestId), name, input },
      {
        tools: byName,
        clock: systemClock,
        defaultTimeoutMs: options.toolTimeoutMs,
        workspaceRoot: options.workspace,
        ...(options.sandbox ? { sandbox: options.sandbox } : {}),
        permission,
        signal: extra.signal,
        onInvoke: () => {},
        onProgress: () => {},
      },
    );
    const images = (result.images ?? []).map((i) => ({
      type: "image" as const,
      data: i.data,
      mimeType: i.mimeType,
    }));
    return { content: [{ type: "text" as const, text: result.content }, ...images], isError: result.isError };
  });
  return server;
}

export async function serveStdio(options: Omit<ServeOptions, "canAsk">): Promise<void> {
  const server = createLoomMcpServer({ ...options, canAsk: true });
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  await server.connect(new StdioServerTransport());
  process.stdin.on("end", () => void server.close());
  await closed;
}

/** Streamable HTTP on 127.0.0.1 (stateless: each request gets its own server). Resolves with the port. */
export function serveHttp(
  options: Omit<ServeOptions, "canAsk">,
  port: number,
): { port: number; stop(): void } {
  const http = Bun.serve({
    hostname: "127.0.0.1",
    port,
    async fetch(request) {
      if (new URL(request.url).pathname !== "/mcp") return new Response("not found", { status: 404 });
      const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
      const server = createLoomMcpServer({ ...options, canAsk: false });
      await server.connect(transport);
      return transport.handleRequest(request);
    },
  });
  return { port: http.port ?? port, stop: () => void http.stop(true) };
}
