import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { type AgentCommand, AgentSupervisor, type Timers } from "./agent-process.ts";
import { restartDelayMs } from "./backoff.ts";

/** Timers under the test's control: nothing fires until `fire()`. */
function manualTimers() {
  let now = 0;
  const pending: { fn: () => void; ms: number }[] = [];
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { fn, ms };
      pending.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = pending.indexOf(h as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return {
    timers,
    pending,
    advance(ms: number) {
      now += ms;
    },
    fire() {
      const t = pending.shift();
      if (!t) throw new Error("no timer pending");
      now += t.ms;
      t.fn();
    },
  };
}

function script(code: string): AgentCommand {
  return { command: process.execPath, args: ["-e", code], cwd: process.cwd(), env: process.env };
}

function supervise(code: string, t: ReturnType<typeof manualTimers>) {
  const lines: string[] = [];
  const exits: (number | undefined)[] = [];
  let starts = 0;
  let onExit: () => void = () => {};
  const s = new AgentSupervisor({
    command: () => script(code),
    spawn: (c) => spawn(c.command, c.args, { cwd: c.cwd, env: c.env, stdio: ["pipe", "pipe", "pipe"] }),
    log: (l) => lines.push(l),
    onStarted: () => {
      starts++;
    },
    onExited: ({ restartInMs }) => {
      exits.push(restartInMs);
      onExit();
    },
    timers: t.timers,
    stableAfterMs: 60_000,
  });
  const nextExit = () =>
    new Promise<void>((resolve) => {
      onExit = resolve;
    });
  return { s, lines, exits, starts: () => starts, nextExit };
}

describe("agent supervisor", () => {
  test("backoff doubles from 1 s and caps at 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(restartDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  test("a crashing agent is restarted after 1, 2, 4 s, with its stderr logged", async () => {
    const t = manualTimers();
    const h = supervise("console.error('boom'); process.exit(3)", t);
    let exit = h.nextExit();
    h.s.start();
    for (let i = 0; i < 3; i++) {
      await exit;
      exit = h.nextExit();
      t.fire();
    }
    await exit;
    h.s.stop();
    expect(h.exits).toEqual([1000, 2000, 4000, 8000]);
    expect(h.starts()).toBe(4);
    expect(h.lines.filter((l) => l === "boom").length).toBeGreaterThanOrEqual(1);
    expect(h.lines).toContain("agent exited (code 3)");
  });

  test("a run that stayed up long enough resets the backoff", async () => {
    const t = manualTimers();
    const h = supervise("process.exit(1)", t);
    let exit = h.nextExit();
    h.s.start();
    await exit;
    exit = h.nextExit();
    t.fire();
    await exit;
    expect(h.exits).toEqual([1000, 2000]);
    exit = h.nextExit();
    t.fire();
    t.advance(60_000);
    await exit;
    expect(h.exits).toEqual([1000, 2000, 1000]);
    h.s.stop();
  });

  test("stop kills the agent and does not restart it; restart starts a fresh one", async () => {
    const t = manualTimers();
    const h = supervise("setInterval(() => {}, 1000)", t);
    h.s.start();
    expect(h.s.running).toBe(true);
    const exit = h.nextExit();
    h.s.stop();
    await exit;
    expect(h.exits).toEqual([undefined]);
    expect(t.pending).toHaveLength(0);
    expect(h.s.running).toBe(false);
    h.s.restart();
    expect(h.starts()).toBe(2);
    expect(h.s.running).toBe(true);
    h.s.stop();
  });

  test("a missing executable is reported and retried with backoff", async () => {
    const t = manualTimers();
    const lines: string[] = [];
    const exited = new Promise<number | undefined>((resolve) => {
      const s = new AgentSupervisor({
        command: () => ({ command: "/nonexistent/loom", args: ["acp-agent"], cwd: process.cwd(), env: {} }),
        spawn: (c) => spawn(c.command, c.args, { cwd: c.cwd, env: c.env, stdio: ["pipe", "pipe", "pipe"] }),
        log: (l) => lines.push(l),
        onStarted: () => {},
        onExited: ({ restartInMs }) => {
          s.stop();
          resolve(restartInMs);
        },
        timers: t.timers,
      });
      s.start();
    });
    expect(await exited).toBe(1000);
    expect(lines.some((l) => l.includes("ENOENT"))).toBe(true);
  });
});
