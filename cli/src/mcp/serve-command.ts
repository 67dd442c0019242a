/** What `loom mcp serve` does with its flags: config, the tool registry, then stdio or HTTP until stopped. */
import { loadConfig } from "@loom/runtime/config";
import { LoomError } from "@loom/runtime/errors";
import { openToolRegistry } from "../builtins.ts";
import { UsageError } from "../cli.ts";
import { parsePermissionMode } from "../session/permissions.ts";
import { realWorkspace } from "../session/workspace-dir.ts";
import { serveHttp, serveStdio } from "./serve.ts";

export interface ServeFlags {
  workspace?: string;
  permissionMode?: string;
  http?: string;
}

export async function startMcpServe(flags: ServeFlags): Promise<void> {
  const mode = flags.permissionMode === undefined ? undefined : parsePermissionMode(flags.permissionMode);
  if (flags.permissionMode !== undefined && !mode)
    throw new UsageError(`--permission-mode: expected ask, auto or read-only, got "${flags.permissionMode}"`);
  const port = flags.http === undefined ? undefined : Number(flags.http);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new UsageError(`--http: expected a port number, got "${flags.http}"`);
  const workspace = realWorkspace(flags.workspace ?? process.cwd());
  const { config } = loadConfig({ workspace, env: process.env });
  // Nothing but protocol may go to stdout: plugin logs and warnings go to stderr.
  const registry = await openToolRegistry({
    config,
    workspace,
    onLog: (plugin, message) => process.stderr.write(`${plugin}: ${message}\n`),
  });
  const options = {
    tools: registry.tools.filter((t) => !config.tools.disabled.includes(t.name)),
    workspace,
    mode: mode ?? config.agent.permission_mode,
    toolTimeoutMs: config.agent.tool_timeout_ms,
  };
  try {
    if (port === undefined) {
      await serveStdio(options);
      return;
    }
    const http = serveHttp(options, port);
    process.stderr.write(`loom: MCP server on http://127.0.0.1:${http.port}/mcp (workspace ${workspace})\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
    });
    http.stop();
  } catch (e) {
    throw e instanceof LoomError ? e : new LoomError("INTERNAL", `mcp serve: ${String(e)}`);
  } finally {
    registry.close();
  }
}
