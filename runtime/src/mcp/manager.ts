/**
 * The MCP servers of a session. Each enabled server starts in the background, all at once; nothing
 * waits for them. A server's tools join when it is ready (`onChange`); one that fails or does not
 * answer within its `timeout_ms` is one warning line. A server that goes away later restarts with
 * backoff (at most `MAX_RESTARTS` times in a row), and `notifications/tools/list_changed` refreshes
 * its tools.
 * @example
 * const mcp = createMcpManager({ servers: config.mcp.servers, workspace, env, onChange, onWarning });
 * mcp.tools(); // the tools of the servers ready so far
 */
import {
  type Tool as McpToolSpec,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { McpServerConfig } from "../config/schema.ts";
import { formatError, LoomError } from "../errors.ts";
import { backoffDelay } from "../machine/backoff.ts";
import type { Env } from "../paths.ts";
import type { Tool } from "../tool.ts";
import { connectMcpServer, type McpConnection } from "./connect.ts";
import { MCP_NAME_SEPARATOR, mcpTool } from "./mcp-tool.ts";
import { RESOURCE_TOOLS, resourceTools } from "./resource-tools.ts";

export const MAX_RESTARTS = 5;
const RESTART_BACKOFF = { baseMs: 500, factor: 2, capMs: 30_000 };
const MAX_PAGES = 100;

export type McpServerStatus = "starting" | "ready" | "failed" | "stopped";

export interface McpServerInfo {
  name: string;
  status: McpServerStatus;
  tools: string[];
  error?: string;
  /** The stdio child's process id, while connected. */
  pid?: number;
  /** Time from start to ready, ms. */
  startMs?: number;
}

export interface McpManagerOptions {
  servers: Record<string, McpServerConfig>;
  workspace: string;
  env: Env;
  /** The set of tools changed (a server became ready, restarted, or listed new tools). */
  onChange?: (tools: Tool[]) => void;
  onWarning?: (warning: string) => void;
  random?: () => number;
}

export interface McpManager {
  tools(): Tool[];
  servers(): McpServerInfo[];
  /** Resolves when every server has finished starting (ready or failed). */
  settled(): Promise<void>;
  /** Lists a ready server's tools again. */
  refresh(server: string): Promise<void>;
  /** When `name` belongs to a server still starting, waits for it (or `signal`). */
  waitForTool(name: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  name: string;
  config: McpServerConfig;
  status: McpServerStatus;
  tools: Tool[];
  error?: string;
  startMs?: number;
  connection?: McpConnection;
  controller?: AbortController;
  attempt: Promise<void>;
  restarts: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** Whether the server offers a tool of this MCP name, by its allow and deny lists. */
export function toolAllowed(config: McpServerConfig, tool: string): boolean {
  if (config.tools?.deny?.includes(tool)) return false;
  const allow = config.tools?.allow;
  return allow === undefined || allow.includes(tool);
}

/** `timeout_ms` when unset. */
export const DEFAULT_MCP_TIMEOUT_MS = 30_000;
const timeoutOf = (config: McpServerConfig): number => config.timeout_ms ?? DEFAULT_MCP_TIMEOUT_MS;

function withTimeout<T>(work: Promise<T>, ms: number, controller: AbortController, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new LoomError("TOOL_TIMEOUT", `${what} did not answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createMcpManager(options: McpManagerOptions): McpManager {
  const random = options.random ?? Math.random;
  let closing = false;
  const entries: Entry[] = Object.entries(options.servers)
    .filter(([, config]) => config.enabled !== false)
    .map(([name, config]) => ({
      name,
      config,
      status: "starting",
      tools: [],
      attempt: Promise.resolve(),
      restarts: 0,
    }));

  const allTools = (): Tool[] => entries.flatMap((e) => (e.status === "ready" ? e.tools : []));
  const changed = (): void => {
    if (!closing) options.onChange?.(allTools());
  };

  async function listTools(entry: Entry): Promise<Tool[]> {
    const client = entry.connection?.client;
    if (!client) return [];
    const specs: McpToolSpec[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await client.listTools(cursor ? { cursor } : {}, { timeout: timeoutOf(entry.config) });
      specs.push(...r.tools);
      cursor = r.nextCursor;
      if (!cursor) break;
    }
    const options = {
      server: entry.name,
      client: () => entry.connection?.client,
      timeoutMs: timeoutOf(entry.config),
    };
    const tools = specs.filter((s) => toolAllowed(entry.config, s.name)).map((s) => mcpTool(s, options));
    if (!client.getServerCapabilities()?.resources) return tools;
    const extra = RESOURCE_TOOLS.filter(
      (n) => toolAllowed(entry.config, n) && !specs.some((s) => s.name === n),
    );
    return [...tools, ...resourceTools(extra, options)];
  }

  async function start(entry: Entry): Promise<void> {
    const started = performance.now();
    const controller = new AbortController();
    entry.controller = controller;
    entry.status = "starting";
    const what = `MCP server ${entry.name}`;
    try {
      const work = (async () => {
        const connection = await connectMcpServer(entry.name, entry.config, {
          workspace: options.workspace,
          env: options.env,
          signal: controller.signal,
          onClose: () => onClosed(entry, connection),
        });
        entry.connection = connection;
        return listTools(entry);
      })();
      const tools = await withTimeout(work, timeoutOf(entry.config), controller, what);
      if (closing) return;
      entry.tools = tools;
      entry.status = "ready";
      entry.error = undefined;
      entry.startMs = performance.now() - started;
      entry.connection?.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
        try {
          entry.tools = await listTools(entry);
          changed();
        } catch (e) {
          options.onWarning?.(`${what}: could not refresh its tools: ${formatError(e)}`);
        }
      });
      changed();
    } catch (e) {
      const stderr = entry.connection?.stderrTail() ?? "";
      await entry.connection?.close().catch(() => undefined);
      entry.connection = undefined;
      if (closing) return;
      entry.status = "failed";
      const last = stderr.split("\n").pop();
      entry.error = `${formatError(e)}${last ? ` (stderr: ${last})` : ""}`;
      options.onWarning?.(`${what} not available: ${entry.error}`);
    }
  }

  function onClosed(entry: Entry, connection: McpConnection | undefined): void {
    // Only a connection that was up counts: a failed start is reported by start().
    if (closing || entry.status !== "ready" || entry.connection !== connection) return;
    entry.connection = undefined;
    entry.tools = [];
    changed();
    if (entry.restarts >= MAX_RESTARTS) {
      entry.status = "failed";
      entry.error = `stopped ${MAX_RESTARTS + 1} times`;
      options.onWarning?.(`MCP server ${entry.name} stopped again; not restarting it (${entry.error})`);
      return;
    }
    const delay = Math.round(backoffDelay(entry.restarts, random(), RESTART_BACKOFF));
    entry.restarts++;
    entry.status = "starting";
    options.onWarning?.(`MCP server ${entry.name} stopped; restarting in ${delay} ms`);
    let release = (): void => {};
    entry.attempt = new Promise<void>((resolve) => {
      release = resolve;
    });
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void start(entry).finally(release);
    }, delay);
  }

  for (const entry of entries) entry.attempt = start(entry);

  return {
    tools: allTools,
    servers: () =>
      entries.map((e) => ({
        name: e.name,
        status: e.status,
        tools: e.tools.map((t) => t.name),
        ...(e.error ? { error: e.error } : {}),
        ...(e.startMs !== undefined ? { startMs: e.startMs } : {}),
        ...(e.connection?.pid !== undefined ? { pid: e.connection.pid } : {}),
      })),
    async settled() {
      await Promise.all(entries.map((e) => e.attempt));
    },
    async refresh(server) {
      const entry = entries.find((e) => e.name === server && e.status === "ready");
      if (!entry) return;
      entry.tools = await listTools(entry);
      changed();
    },
    async waitForTool(name, signal) {
      const entry = entries.find((e) => name.startsWith(`${e.name}${MCP_NAME_SEPARATOR}`));
      if (entry?.status !== "starting" || signal.aborted) return;
      await new Promise<void>((resolve) => {
        signal.addEventListener("abort", () => resolve(), { once: true });
        void entry.attempt.then(resolve);
      });
    },
    async close() {
      closing = true;
      for (const e of entries) {
        clearTimeout(e.timer);
        e.controller?.abort();
        e.status = "stopped";
      }
      await Promise.all(entries.map((e) => e.connection?.close().catch(() => undefined)));
    },
  };
}
