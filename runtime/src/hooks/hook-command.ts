/**
 * Runs one hook command: `sh -c <command>` in the workspace, in its own process group, with the
 * event as JSON on stdin. A timeout or a cancel kills the group; output is capped. Never throws:
 * a command that cannot start is an outcome like any other.
 */
import { spawn } from "node:child_process";

/** Output kept from each stream of a hook. */
const MAX_OUTPUT_BYTES = 64 * 1024;
/** After the shell exits, how long a background process may hold the pipes open. */
const LINGER_MS = 200;

export interface HookRun {
  command: string;
  cwd: string;
  env: Record<string, string>;
  input: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HookOutcome {
  /** null: killed (timeout, cancel) or never started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it could not start. */
  startError?: string;
}

function capped() {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(c: Buffer) {
      if (size >= MAX_OUTPUT_BYTES) return;
      chunks.push(c.subarray(0, MAX_OUTPUT_BYTES - size));
      size += c.length;
    },
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

export function runHookCommand(run: HookRun): Promise<HookOutcome> {
  const stdout = capped();
  const stderr = capped();
  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    let exitCode: number | null = null;
    let startError: string | undefined;
    const child = spawn("sh", ["-c", run.command], {
      cwd: run.cwd,
      env: run.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, run.timeoutMs);
    let linger: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => killGroup();
    run.signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(linger);
      run.signal?.removeEventListener("abort", onAbort);
      killGroup();
      const out: HookOutcome = { exitCode, stdout: stdout.text(), stderr: stderr.text(), timedOut };
      if (startError !== undefined) out.startError = startError;
      resolve(out);
    };
    child.stdout.on("data", (c: Buffer) => stdout.push(c));
    child.stderr.on("data", (c: Buffer) => stderr.push(c));
    child.on("error", (e) => {
      startError = e.message;
      done();
    });
    child.on("exit", (code) => {
      exitCode = timedOut ? null : code;
      linger = setTimeout(() => {
        killGroup();
        child.stdout.destroy();
        child.stderr.destroy();
        done();
      }, LINGER_MS);
    });
    child.on("close", done);
    // A hook that never reads its stdin must not fail the write (EPIPE).
    child.stdin.on("error", () => undefined);
    child.stdin.end(`${JSON.stringify(run.input)}\n`);
    if (run.signal?.aborted) killGroup();
  });
}
