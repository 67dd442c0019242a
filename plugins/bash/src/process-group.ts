/**
 * Runs a command line (`bash -c …`, or that wrapped in the sandbox) in its own process group so
 * that a timeout or a cancel kills everything the command started (grandchildren included), not
 * just the shell. In the sandbox, killing bubblewrap also ends its PID namespace: a process that
 * left the group (setsid, a double fork) dies with it.
 */
import { spawn } from "node:child_process";
import { CappedBuffer } from "./capped-buffer.ts";

export interface RunOptions {
  /** Program and arguments, e.g. `["bash", "-c", "make"]`. */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  maxStdoutBytes: number;
  maxStderrBytes: number;
  /** After the shell exits, how long leftover background processes may hold the pipes open. */
  lingerMs: number;
  /** After the group is killed, how long to wait for the pipes to close before giving up on them
   * (a process that left the group with setsid may hold them forever). */
  drainMs: number;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  stdout: CappedBuffer;
  stderr: CappedBuffer;
  durationMs: number;
}

export function runInProcessGroup(opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const stdout = new CappedBuffer(opts.maxStdoutBytes);
  const stderr = new CappedBuffer(opts.maxStderrBytes);
  const [file = "bash", ...args] = opts.argv;
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true, // setsid: the child leads a new process group
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (c: Buffer) => stdout.push(c));
  child.stderr.on("data", (c: Buffer) => stderr.push(c));

  let timedOut = false;
  let cancelled = false;
  let finish = () => {};
  let drain: ReturnType<typeof setTimeout> | undefined;
  const killGroup = () => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is already gone
      }
    }
    drain ??= setTimeout(() => {
      child.stdout.destroy();
      child.stderr.destroy();
      finish();
    }, opts.drainMs);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, opts.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    killGroup();
  };
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener("abort", onAbort, { once: true });

  return new Promise((resolve) => {
    let exit: { code: number | null; signal: string | null } | undefined;
    let linger: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(linger);
      clearTimeout(drain);
      opts.signal.removeEventListener("abort", onAbort);
      const e = exit ?? { code: null, signal: null };
      resolve({
        exitCode: e.code,
        signal: e.signal,
        timedOut,
        cancelled,
        stdout,
        stderr,
        durationMs: Math.round(performance.now() - started),
      });
    };
    finish = done;
    child.on("error", (err) => {
      stderr.push(Buffer.from(`failed to start ${file}: ${err.message}\n`));
      exit = { code: null, signal: null };
      done();
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // Background processes may keep the pipes open; give them a moment, then end the group.
      linger = setTimeout(killGroup, opts.lingerMs);
    });
    child.on("close", () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL"); // nothing the command started outlives the call
        } catch {
          // the group is already gone
        }
      }
      done();
    });
  });
}
