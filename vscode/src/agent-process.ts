/**
 * Keeps one `loom acp-agent` process alive for a workspace folder: starts it, restarts it with
 * backoff when it dies (1, 2, 4 … 30 s; the count resets once a process stayed up long enough)
 * and forwards its stderr to the log. Knows nothing about VS Code.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { restartDelayMs } from "./backoff.ts";

export interface AgentCommand {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SupervisorOptions {
  /** Read at every start, so changed settings apply on restart. */
  command: () => AgentCommand;
  spawn: (c: AgentCommand) => ChildProcessWithoutNullStreams;
  log: (line: string) => void;
  /** Where the agent's own stderr lines go (they carry their own timestamps); default `log`. */
  agentLog?: (line: string) => void;
  /** Called with every new process, before it can exit. */
  onStarted: (proc: ChildProcessWithoutNullStreams) => void;
  onExited?: (info: { code: number | null; signal: string | null; restartInMs: number | undefined }) => void;
  timers?: Timers;
  /** A process that ran this long is considered healthy; the next crash restarts after 1 s again. */
  stableAfterMs?: number;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class AgentSupervisor {
  private proc: ChildProcessWithoutNullStreams | undefined;
  private timer: unknown;
  private crashes = 0;
  private stopped = true;
  private readonly timers: Timers;

  constructor(private readonly o: SupervisorOptions) {
    this.timers = o.timers ?? realTimers;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** Consecutive crashes since the last stable run. */
  get crashCount(): number {
    return this.crashes;
  }

  start(): void {
    this.stopped = false;
    if (this.proc || this.timer !== undefined) return;
    this.launch();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null) p.kill();
  }

  /** Stops the current process (if any) and starts a fresh one now, resetting the backoff. */
  restart(): void {
    this.stop();
    this.crashes = 0;
    this.start();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private launch(): void {
    this.timer = undefined;
    const c = this.o.command();
    this.o.log(`starting ${c.command} ${c.args.join(" ")} in ${c.cwd}`);
    const startedAt = this.timers.now();
    let proc: ChildProcessWithoutNullStreams;
    try {
      proc = this.o.spawn(c);
    } catch (e) {
      this.o.log(`could not start ${c.command}: ${e instanceof Error ? e.message : String(e)}`);
      this.scheduleRestart(startedAt, null, null);
      return;
    }
    this.proc = proc;
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) (this.o.agentLog ?? this.o.log)(line);
    });
    let exited = false;
    const onGone = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = true;
      // A restart already replaced this process: its exit is old news.
      if (this.proc !== undefined && this.proc !== proc) return;
      this.proc = undefined;
      this.o.log(`agent exited (${signal ? `signal ${signal}` : `code ${code}`})`);
      this.scheduleRestart(startedAt, code, signal);
    };
    proc.on("error", (e) => {
      this.o.log(`agent process error: ${e.message}`);
      onGone(null, null);
    });
    proc.on("exit", (code, signal) => onGone(code, signal));
    this.o.onStarted(proc);
  }

  private scheduleRestart(startedAt: number, code: number | null, signal: string | null): void {
    if (this.stopped) {
      this.o.onExited?.({ code, signal, restartInMs: undefined });
      return;
    }
    if (this.timers.now() - startedAt >= (this.o.stableAfterMs ?? 60_000)) this.crashes = 0;
    this.crashes += 1;
    const delay = restartDelayMs(this.crashes);
    this.o.log(`restarting in ${delay / 1000} s`);
    this.o.onExited?.({ code, signal, restartInMs: delay });
    this.timer = this.timers.setTimeout(() => this.launch(), delay);
  }
}
