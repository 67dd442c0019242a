/**
 * Opens one MCP server as a client: a stdio child (`command`) or a remote server (`url`, streamable
 * HTTP, falling back to the legacy SSE transport). `${VAR}` in env and header values is taken from
 * Loom's environment. A stdio server's stderr is kept (its tail names why it failed), not printed.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { McpServerConfig } from "../config/schema.ts";
import { formatError, LoomError } from "../errors.ts";
import type { Env } from "../paths.ts";
import { VERSION } from "../version.ts";

const STDERR_TAIL = 2_000;

export interface McpConnection {
  client: Client;
  pid?: number;
  /** The last lines the server wrote to stderr (stdio only). */
  stderrTail(): string;
  close(): Promise<void>;
}

/** `${VAR}` → the variable's value; a missing one is an error naming it (never its neighbours' values). */
export function expandRefs(values: Record<string, string>, env: Env, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined)
        throw new LoomError("CONFIG_INVALID", `${what} ${key} names \${${name}}, which is not set`);
      return v;
    });
  }
  return out;
}

export interface ConnectOptions {
  workspace: string;
  env: Env;
  /** Aborting it closes a connection still being made. */
  signal: AbortSignal;
  /** Called when an open connection closes (the server exited or the stream ended). */
  onClose?: () => void;
}

function newClient(): Client {
  return new Client({ name: "loom", version: VERSION }, { capabilities: {} });
}

/** Terminates a stdio child at once: one that never finished start-up gets no grace period. */
function terminate(transport: Transport): void {
  const pid = transport instanceof StdioClientTransport ? transport.pid : null;
  if (pid === null) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

async function open(client: Client, transport: Transport, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new LoomError("TOOL_CANCELLED", "start-up cancelled");
  const onAbort = () => {
    terminate(transport);
    void transport.close().catch(() => undefined);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await client.connect(transport, { signal });
  } catch (e) {
    // A transport left open keeps retrying (SSE reconnects) and keeps the process alive.
    terminate(transport);
    await transport.close().catch(() => undefined);
    throw e;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

export async function connectMcpServer(
  name: string,
  config: McpServerConfig,
  options: ConnectOptions,
): Promise<McpConnection> {
  const { env, signal } = options;
  if (config.command) {
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args ?? [],
      env: { ...getDefaultEnvironment(), ...expandRefs(config.env ?? {}, env, `mcp.servers.${name}.env`) },
      cwd: config.cwd ?? options.workspace,
      stderr: "pipe",
    });
    let tail = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      tail = (tail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    const client = newClient();
    await open(client, transport, signal);
    client.onclose = () => options.onClose?.();
    const connection: McpConnection = { client, stderrTail: () => tail.trim(), close: () => client.close() };
    if (transport.pid !== null) connection.pid = transport.pid;
    return connection;
  }
  if (config.url) {
    const url = new URL(config.url);
    const requestInit = { headers: expandRefs(config.headers ?? {}, env, `mcp.servers.${name}.headers`) };
    let client = newClient();
    try {
      if (config.transport === "sse") {
        await open(client, new SSEClientTransport(url, { requestInit }), signal);
        client.onclose = () => options.onClose?.();
        return { client, stderrTail: () => "", close: () => client.close() };
      }
      await open(client, new StreamableHTTPClientTransport(url, { requestInit }), signal);
    } catch (e) {
      if (signal.aborted || config.transport !== undefined) throw e;
      // Servers of the 2024-11-05 protocol speak SSE only.
      client = newClient();
      try {
        await open(client, new SSEClientTransport(url, { requestInit }), signal);
      } catch (sse) {
        if (signal.aborted) throw sse;
        throw new LoomError("TOOL_FAILED", `streamable HTTP: ${formatError(e)}; SSE: ${formatError(sse)}`);
      }
    }
    client.onclose = () => options.onClose?.();
    return { client, stderrTail: () => "", close: () => client.close() };
  }
  throw new LoomError("CONFIG_INVALID", `mcp.servers.${name}: set command (stdio) or url (HTTP)`);
}
