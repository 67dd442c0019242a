/** What `loom mcp serve` does with its flags: config, the tool registry, then stdio or HTTP until stopped. */
import { loadConfig } from "@loom/runtime/config";
import type { PermissionMode } from "@loom/runtime/config/schema";
import { LoomError } from "@loom/runtime/errors";
import { createSandbox } from "@loom/runtime/sandbox";
import { sandboxPolicy } from "@loom/runtime/sandbox/policy";
import type { Sandbox, SandboxMode } from "@loom/runtime/sandbox/types";
import { openToolRegistry } from "../builtins.ts";
import { UsageError } from "../cli.ts";
import { sandboxModeArg } from "../session/from-args.ts";
import { parsePermissionMode } from "../session/permissions.ts";
import { realWorkspace } from "../session/workspace-dir.ts";
import { serveHttp, serveStdio } from "./serve.ts";

export interface ServeFlags {
  workspace?: string;
  permissionMode?: string;
  http?: string;
  sandbox?: string;
}

export async function startMcpServe(flags: ServeFlags): Promise<void> {
  const mode = flags.permissionMode === undefined ? undefined : parsePermissionMode(flags.permissionMode);
  if (flags.permissionMode !== undefined && !mode)
    throw new UsageError(`--permission-mode: expected ask, auto or read-only, got "${flags.permissionMode}"`);
  const port = flags.http === undefined ? undefined : Number(flags.http);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new UsageError(`--http: expected a port number, got "${flags.http}"`);
  const sandboxMode = flags.sandbox === undefined ? undefined : sandboxModeArg(flags.sandbox);
  const workspace = realWorkspace(flags.workspace ?? process.cwd());
  const { config } = loadConfig({ workspace, env: process.env });
  // Nothing but protocol may go to stdout: plugin logs and warnings go to stderr.
  const registry = await openToolRegistry({
    config,
    workspace,
    onLog: (plugin, message) => process.stderr.write(`${plugin}: ${message}\n`),
  });
  const permissionMode = mode ?? config.agent.permission_mode;
  const options = {
    tools: registry.tools.filter((t) => !config.tools.disabled.includes(t.name)),
    workspace,
    mode: permissionMode,
    toolTimeoutMs: config.agent.tool_timeout_ms,
    sandbox: serveSandbox(config, permissionMode, sandboxMode),
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

/**
 * Commands run for an MCP client go through the same sandbox as a session's. Where none can be made,
 * that is said once on stderr; they then run unsandboxed only in `ask` mode, where the client
 * approves each call, and are refused otherwise (a headless client cannot be asked).
 */
function serveSandbox(
  config: ReturnType<typeof loadConfig>["config"],
  permissionMode: PermissionMode,
  mode: SandboxMode | undefined,
): Sandbox {
  const settings = mode ? { ...config.sandbox, mode } : config.sandbox;
  return createSandbox(sandboxPolicy(settings, permissionMode, process.env), {
    onUnavailable: (reason) => {
      const unsandboxed = permissionMode === "ask";
      process.stderr.write(
        `loom: no sandbox for commands: ${reason}; ${unsandboxed ? "each approved call runs unsandboxed" : "commands are refused (use --sandbox danger-full-access to run them unsandboxed)"}\n`,
      );
      return unsandboxed;
    },
  });
}
