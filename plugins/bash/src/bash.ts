/**
 * bash: runs a shell command in the workspace, in its own process group, with a timeout and output
 * caps, inside the session's sandbox (`ctx.sandbox`) when there is one.
 */
import { statSync } from "node:fs";
import { defineTool } from "@loom/runtime/define-tool";
import { LoomError } from "@loom/runtime/errors";
import { explainDenial } from "@loom/runtime/sandbox/denial";
import type { Sandbox } from "@loom/runtime/sandbox/types";
import type { ToolContext } from "@loom/runtime/tool";
import { requireCapability } from "@loom/runtime/tool-capabilities";
import { resolveInWorkspace } from "@loom/runtime/workspace-path";
import { Type } from "@sinclair/typebox";
import description from "./bash.txt" with { type: "text" };
import { type RunResult, runInProcessGroup } from "./process-group.ts";

export const DEFAULT_TIMEOUT_MS = 60_000;
export const MAX_TIMEOUT_MS = 300_000;
export const MAX_STDOUT_BYTES = 64 * 1024;
export const MAX_STDERR_BYTES = 32 * 1024;
const LINGER_MS = 250;
const DRAIN_MS = 1000;
/** Variables whose names look like credentials never reach the command (or the model through `env`). */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;

export const BashInput = Type.Object(
  {
    command: Type.String({ minLength: 1, description: "Command line, run with bash -c" }),
    timeout_ms: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_TIMEOUT_MS, description: "Default 60000, maximum 300000" }),
    ),
    cwd: Type.Optional(
      Type.String({ description: "Working directory inside the workspace (default: root)" }),
    ),
  },
  { additionalProperties: false },
);

export const bashTool = defineTool({
  name: "bash",
  description,
  input: BashInput,
  mutating: true,
  // The driver's own deadline sits above the longest timeout the tool enforces itself.
  timeoutMs: MAX_TIMEOUT_MS + 10_000,
  async invoke(input, ctx) {
    requireCapability(ctx, "exec");
    const cwd = resolveInWorkspace(ctx.workspaceRoot, input.cwd ?? ".");
    if (!isDirectory(cwd)) throw new LoomError("INVALID_INPUT", `cwd ${input.cwd} is not a directory`);
    const argv = ["bash", "-c", input.command];
    const timeoutMs = input.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    const sandbox = ctx.sandbox;
    const launch = sandbox
      ? await sandbox.launch(argv, { workspaceRoot: ctx.workspaceRoot, cwd })
      : { kind: "run" as const, argv, sandboxed: false };
    if (launch.kind === "refused") return { output: launch.message, isError: true };
    const r = await run(launch.argv, cwd, timeoutMs, ctx);
    const denied = launch.sandboxed && sandbox ? deniedBySandbox(r, sandbox) : undefined;
    if (denied && sandbox?.askOutside && !ctx.signal.aborted) {
      if (await sandbox.askOutside(input.command, denied, ctx.signal, ctx.callId)) {
        const outside = await run(argv, cwd, timeoutMs, ctx);
        return result(outside, { sandbox: "none", ran_outside_sandbox: true });
      }
    }
    return result(r, {
      sandbox: launch.sandboxed && sandbox ? sandbox.policy.mode : "none",
      ...(denied ? { sandbox_denied: denied } : {}),
    });
  },
});

function run(argv: string[], cwd: string, timeoutMs: number, ctx: ToolContext): Promise<RunResult> {
  return runInProcessGroup({
    argv,
    cwd,
    env: commandEnv(),
    timeoutMs,
    signal: ctx.signal,
    maxStdoutBytes: MAX_STDOUT_BYTES,
    maxStderrBytes: MAX_STDERR_BYTES,
    lingerMs: LINGER_MS,
    drainMs: DRAIN_MS,
  });
}

/** A failed command whose output shows a sandbox refusal: the note the model reads. */
function deniedBySandbox(r: RunResult, sandbox: Sandbox): string | undefined {
  if (r.exitCode === 0 || r.timedOut || r.cancelled) return undefined;
  return explainDenial(`${r.stderr.text()}\n${r.stdout.text()}`, sandbox.policy);
}

function result(r: RunResult, extra: Record<string, unknown>) {
  return {
    output: {
      exit_code: r.exitCode,
      signal: r.signal,
      timed_out: r.timedOut,
      cancelled: r.cancelled,
      stdout: r.stdout.text(),
      stderr: r.stderr.text(),
      stdout_truncated: r.stdout.truncated,
      stderr_truncated: r.stderr.truncated,
      duration_ms: r.durationMs,
      ...extra,
    },
    isError: r.timedOut || r.cancelled,
  };
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function commandEnv(env: Record<string, string | undefined> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !SECRET_NAME.test(k)) out[k] = v;
  return out;
}
