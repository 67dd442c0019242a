/**
 * Opens one MCP server as a client: a stdio child (`command`) or a remote server (`url`, streamable
 * HTTP, falling back to the legacy SSE transport). References in env and header values are
 * expanded (secret-refs.ts). A stdio server's stderr is kept (its tail names why it failed), not printed.
 */

import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { McpServerConfig } from "../config/schema.ts";
import { formatError, LoomError } from "../errors.ts";
import type { Env } from "../paths.ts";
import { VERSION } from "../version.ts";
import { createMcpOAuthProvider, type McpOAuthProvider } from "./oauth-provider.ts";
import { expandRefs } from "./secret-refs.ts";

const STDERR_TAIL = 2_000;

export interface McpConnection {
  client: Client;
  pid?: number;
  /** The last lines the server wrote to stderr (stdio only). */
  stderrTail(): string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  workspace: string;
  env: Env;
  /** Aborting it closes a connection still being made. */
  signal: AbortSignal;
  /** Called when an open connection closes (the server exited or the stream ended). */
  onClose?: () => void;
}

/**
 * Loom's side of the protocol: `roots` (answered with the workspace, so servers that confine
 * themselves to the client's roots work there). Sampling and elicitation are not declared:
 * servers do not offer tools that need them, and such a request is refused (method not found).
 */
function newClient(workspace: string): Client {
  const client = new Client(
    { name: "loom", version: VERSION },
    { capabilities: { roots: { listChanged: false } } },
  );
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: [{ uri: pathToFileURL(workspace).href, name: basename(workspace) || workspace }],
  }));
  return client;
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

/** The login is what is missing (or was refused): SSE would fail the same way, less clearly. */
function isAuthError(e: unknown): boolean {
  return e instanceof UnauthorizedError || (e instanceof LoomError && e.code === "MISSING_CREDENTIALS");
}

function authFailure(name: string, e: unknown): LoomError {
  if (e instanceof LoomError) return e;
  return new LoomError(
    "MISSING_CREDENTIALS",
    `MCP server ${name} needs authorization: run loom mcp login ${name}`,
  );
}

/**
 * Refreshes saved tokens whose access token has expired before connecting, so the first request
 * carries a good one. A server that refuses (or cannot be reached) is left to the connection: the
 * SDK refreshes again on a 401, and a login that is needed is reported there.
 */
async function refreshIfExpired(provider: McpOAuthProvider, url: URL): Promise<void> {
  if (!provider.expired() || !provider.tokens()?.refresh_token) return;
  try {
    await auth(provider, { serverUrl: url });
  } catch {
    // Reported by the connection.
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
    const client = newClient(options.workspace);
    await open(client, transport, signal);
    client.onclose = () => options.onClose?.();
    const connection: McpConnection = { client, stderrTail: () => tail.trim(), close: () => client.close() };
    if (transport.pid !== null) connection.pid = transport.pid;
    return connection;
  }
  if (config.url) {
    const url = new URL(config.url);
    const headers = expandRefs(config.headers ?? {}, env, `mcp.servers.${name}.headers`);
    const requestInit = { headers };
    // A server given its own Authorization header is not sent through OAuth.
    const hasAuthorization = Object.keys(headers).some((k) => k.toLowerCase() === "authorization");
    const authProvider = hasAuthorization
      ? undefined
      : createMcpOAuthProvider({ server: name, url: config.url, env });
    if (authProvider) await refreshIfExpired(authProvider, url);
    const http = { requestInit, ...(authProvider ? { authProvider } : {}) };
    let client = newClient(options.workspace);
    try {
      if (config.transport === "sse") {
        await open(client, new SSEClientTransport(url, http), signal);
        client.onclose = () => options.onClose?.();
        return { client, stderrTail: () => "", close: () => client.close() };
      }
      await open(client, new StreamableHTTPClientTransport(url, http), signal);
    } catch (e) {
      if (signal.aborted || config.transport !== undefined) throw e;
      if (isAuthError(e)) throw authFailure(name, e);
      // Servers of the 2024-11-05 protocol speak SSE only.
      client = newClient(options.workspace);
      try {
        await open(client, new SSEClientTransport(url, http), signal);
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
