/**
 * Tool implementations backed by the ACP client, used when it offers the capability: files are
 * read and written through `fs/read_text_file` / `fs/write_text_file` (so the agent sees and
 * edits the editor's unsaved buffers) and commands run in client terminals (`terminal/*`).
 * Name, description and input schema stay those of the registry's tool; only `invoke` changes.
 */
import { join } from "node:path";
import type * as acp from "@agentclientprotocol/sdk";
import { methods, RequestError } from "@agentclientprotocol/sdk";
import { formatError, isLoomError, LoomError } from "@loom/runtime/errors";
import type { Tool, ToolContext, ToolResult } from "@loom/runtime/tool";
import { canonicalWorkspaceRoot, resolveInWorkspace, workspaceRelative } from "@loom/runtime/workspace-path";
import { applyEdits, commandArgs, editArgs, formatCommand, formatRead, readArgs } from "./client-tool-io.ts";

export interface ClientToolContext {
  caps: acp.ClientCapabilities;
  client: acp.AgentContext;
  /** Known once the session exists; tools only run after that. */
  sessionId: () => string;
  /** The workspace as the client named it; may differ from the canonical root by symlinks. */
  cwd: string;
}

/** Cap on what a client terminal keeps of a command's output. */
const OUTPUT_BYTE_LIMIT = 256 * 1024;

function failure(e: unknown, signal: AbortSignal, path?: string): ToolResult {
  if (isLoomError(e)) return { output: e.toJSON(), isError: true };
  // The client has no such file (ACP's "resource not found"): say it as the built-in tools do.
  if (e instanceof RequestError && e.code === -32002)
    return { output: new LoomError("NOT_FOUND", `no such file: ${path ?? "?"}`).toJSON(), isError: true };
  if (signal.aborted)
    return { output: new LoomError("TOOL_CANCELLED", "the call was cancelled").toJSON(), isError: true };
  return { output: new LoomError("TOOL_FAILED", formatError(e)).toJSON(), isError: true };
}

function guarded(tool: Tool, run: (input: unknown, ctx: ToolContext) => Promise<ToolResult>): Tool {
  return {
    ...tool,
    async invoke(input, ctx) {
      try {
        return await run(input, ctx);
      } catch (e) {
        const path = (input as { path?: unknown } | null)?.path;
        return failure(e, ctx.signal, typeof path === "string" ? path : undefined);
      }
    },
  };
}

export function wrapForClient(tool: Tool, c: ClientToolContext): Tool {
  /** A canonical path inside the workspace, as the client knows it (its buffers are keyed so). */
  const forClient = (root: string, abs: string): string => {
    const rel = workspaceRelative(canonicalWorkspaceRoot(root), abs);
    return rel === "." ? c.cwd : join(c.cwd, rel);
  };
  const canRead = c.caps.fs?.readTextFile === true;
  const canWrite = c.caps.fs?.writeTextFile === true;
  const read = async (path: string, signal: AbortSignal, range: { line?: number; limit?: number } = {}) => {
    const res = await c.client.request(
      methods.client.fs.readTextFile,
      { sessionId: c.sessionId(), path, ...range },
      { cancellationSignal: signal, stopWaitingOnCancel: true },
    );
    return res.content;
  };

  if (tool.name === "read_file" && canRead) {
    return guarded(tool, async (input, ctx) => {
      const args = readArgs(input);
      const root = ctx.workspaceRoot || c.cwd;
      const path = forClient(root, resolveInWorkspace(root, args.path));
      const range: { line?: number; limit?: number } = {};
      if (args.startLine !== undefined) range.line = args.startLine;
      if (args.endLine !== undefined) range.limit = args.endLine - (args.startLine ?? 1) + 1;
      const text = await read(path, ctx.signal, range);
      return { output: formatRead(workspaceRelative(c.cwd, path), text, args) };
    });
  }

  if (tool.name === "edit_file" && canRead && canWrite) {
    return guarded(tool, async (input, ctx) => {
      const args = editArgs(input);
      const root = ctx.workspaceRoot || c.cwd;
      const path = forClient(root, resolveInWorkspace(root, args.path, { forWrite: true }));
      const creates = args.edits[0]?.old === "";
      const before = creates
        ? await read(path, ctx.signal).catch(() => undefined)
        : await read(path, ctx.signal);
      const r = applyEdits(before, args);
      await c.client.request(
        methods.client.fs.writeTextFile,
        { sessionId: c.sessionId(), path, content: r.text },
        { cancellationSignal: ctx.signal, stopWaitingOnCancel: true },
      );
      const rel = workspaceRelative(c.cwd, path);
      return { output: { path: rel, created: r.created, replacements: r.replacements } };
    });
  }

  if (tool.name === "bash" && c.caps.terminal === true) {
    return guarded(tool, async (input, ctx) => {
      const args = commandArgs(input);
      const root = ctx.workspaceRoot || c.cwd;
      const realCwd = args.cwd ? resolveInWorkspace(root, args.cwd) : canonicalWorkspaceRoot(root);
      const cwd = forClient(root, realCwd);
      // The client's terminal runs the command in the session's sandbox too (bwrap as its program).
      const argv = ["bash", "-c", args.command];
      const launch = ctx.sandbox
        ? await ctx.sandbox.launch(argv, { workspaceRoot: canonicalWorkspaceRoot(root), cwd: realCwd })
        : { kind: "run" as const, argv, sandboxed: false };
      if (launch.kind === "refused") return { output: launch.message, isError: true };
      const [command = "bash", ...commandArgv] = launch.argv;
      const terminal = await c.client.createTerminal({
        sessionId: c.sessionId(),
        command,
        args: commandArgv,
        cwd,
        outputByteLimit: OUTPUT_BYTE_LIMIT,
      });
      ctx.onProgress?.({ data: { terminalId: terminal.id } });
      let timedOut = false;
      const kill = () => void terminal.kill().catch(() => {});
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, args.timeoutMs);
      ctx.signal.addEventListener("abort", kill, { once: true });
      if (ctx.signal.aborted) kill();
      try {
        const exit = await terminal.waitForExit();
        const out = await terminal.currentOutput();
        return formatCommand(
          out.output,
          exit.exitCode ?? null,
          exit.signal ?? null,
          out.truncated,
          ctx.signal.aborted,
          timedOut,
        );
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", kill);
        await terminal.release().catch(() => {});
      }
    });
  }

  return tool;
}
