/**
 * Runs a plugin's calls on the parent's main thread, from its instrumented module
 * (wasm-instrument.ts), so a call costs an Extism call and no process round trip. The guest
 * reaches `tick` at every loop head and call once its fuel runs out; `tick` holds the clock:
 *
 * - past the call's deadline it stops the guest (`deadline`);
 * - past the call's slice (a short in-process budget) it stops the guest so the call can be run
 *   again, from the start, in the plugin's child process (`slice`), where it can be cancelled
 *   at once and killed at its deadline. The main thread is never held longer than the slice;
 * - `http_fetch` blocks until the response arrives, so a call that reaches it moves to the
 *   child the same way (`blocking`).
 *
 * Running a call again is only safe while it has changed nothing: once the guest has called
 * `write_file`, the call stays here until it ends or reaches its deadline (it may then also
 * fetch, blocking). Log lines are held back until the call ends, so a call that moves does not
 * log twice.
 *
 * The fuel between ticks adapts so that ticks come roughly every 0.2–1 ms whatever the loop
 * body costs. Outside a call (instantiation, which runs a start function), a run of ticks gets
 * its own slice; an instance that cannot start within it is reported as `failed`, and the
 * caller then uses the child process for this plugin.
 */
import { isLoomError, type LoomError } from "../errors.ts";
import { createHostFunctions } from "./host-functions.ts";
import type { WireError } from "./host-protocol.ts";
import type { EffectivePermissions } from "./permissions.ts";
import { TICK_IMPORT } from "./wasm-instrument.ts";
import { createRunner, type HostFn, type Runner, RunnerStartError } from "./wasm-runner.ts";

export type InterruptReason = "deadline" | "slice" | "blocking";

class Interrupt extends Error {
  constructor(readonly reason: InterruptReason) {
    super(`interrupted: ${reason}`);
  }
}

export interface InProcessOptions {
  plugin: string;
  /** The instrumented, memory-capped module. */
  module: WebAssembly.Module;
  /** The memory-capped module's bytes (same exports), for the return-code shim. */
  source: Uint8Array;
  root: string;
  permissions: EffectivePermissions;
  memoryMb: number;
  maxOutputBytes: number;
  sliceMs: number;
  onLog?: (plugin: string, message: string) => void;
}

export type InProcessResult =
  | { kind: "done"; ok: true; output: string }
  | { kind: "done"; ok: false; error: WireError }
  /** Nothing was changed: run the call again in the child. */
  | { kind: "move"; reason: "slice" | "blocking" }
  | { kind: "timeout" }
  /** The in-process instance could not start; use the child from now on. */
  | { kind: "failed"; error: unknown };

export interface InProcessRunner {
  call(exportName: string, input: string, deadline: number): Promise<InProcessResult>;
  close(): void;
}

interface Guard {
  deadline: number;
  sliceEnd: number;
  committed: boolean;
  /** Set when `tick` stopped the guest under this guard. */
  stopped: boolean;
  logs: string[];
}

const MIN_FUEL = 16;
const MAX_FUEL = 1 << 20;

export function createInProcessRunner(opts: InProcessOptions): InProcessRunner {
  let active: Guard | undefined;
  /** The slice for ticks outside a call (instantiation); reset whenever a call starts or ends. */
  let loading: Guard | undefined;
  let fuel = MIN_FUEL;
  let lastTick = 0;

  /** The guard that applies now: the running call's, unless it was already stopped. */
  const live = (): Guard | undefined => (active && !active.stopped ? active : undefined);

  /** Stops the guest: the guard is spent, so a fresh instance starting after it gets its own slice. */
  function stop(g: Guard, reason: InterruptReason): never {
    g.stopped = true;
    if (g === loading) loading = undefined;
    throw new Interrupt(reason);
  }

  const tick = (): number => {
    const now = performance.now();
    let g = live();
    if (!g) {
      loading ??= newGuard(now, Number.POSITIVE_INFINITY);
      g = loading;
    }
    if (now >= g.deadline) stop(g, "deadline");
    if (!g.committed && now >= g.sliceEnd) stop(g, "slice");
    const interval = now - lastTick;
    lastTick = now;
    if (interval < 0.2) fuel = Math.min(fuel * 2, MAX_FUEL);
    else if (interval > 1) fuel = Math.max(fuel >> 1, MIN_FUEL);
    return fuel;
  };

  function newGuard(now: number, deadline: number): Guard {
    return { deadline, sliceEnd: now + opts.sliceMs, committed: false, stopped: false, logs: [] };
  }

  const host = createHostFunctions({
    plugin: opts.plugin,
    root: opts.root,
    permissions: opts.permissions,
    memoryMb: opts.memoryMb,
    maxOutputBytes: opts.maxOutputBytes,
    log: (message) => {
      const g = live();
      if (g) g.logs.push(message);
      else opts.onLog?.(opts.plugin, message);
    },
  });
  const user: Record<string, HostFn> = {
    ...host,
    write_file(ctx, ...args) {
      const g = live();
      if (g) g.committed = true;
      return host.write_file(ctx, ...args);
    },
    http_fetch(ctx, ...args) {
      const g = live();
      if (g && !g.committed) stop(g, "blocking");
      return host.http_fetch(ctx, ...args);
    },
  };
  const runner: Runner = createRunner({
    plugin: opts.plugin,
    module: opts.module,
    source: opts.source,
    memoryMb: opts.memoryMb,
    maxOutputBytes: opts.maxOutputBytes,
    functions: { "extism:host/user": user, [TICK_IMPORT.module]: { [TICK_IMPORT.name]: tick } },
    passThrough: (e) => e instanceof Interrupt,
  });

  return {
    async call(exportName, input, deadline) {
      loading = undefined;
      try {
        await runner.ready;
      } catch (error) {
        return { kind: "failed", error };
      }
      const now = performance.now();
      const guard = newGuard(now, deadline);
      lastTick = now;
      active = guard;
      try {
        const out = await runner.call(exportName, input);
        for (const line of guard.logs) opts.onLog?.(opts.plugin, line);
        return { kind: "done", ...out };
      } catch (e) {
        if (e instanceof RunnerStartError) return { kind: "failed", error: e.why };
        if (e instanceof Interrupt) {
          if (e.reason === "deadline") return { kind: "timeout" };
          guard.logs = [];
          return { kind: "move", reason: e.reason };
        }
        if (isLoomError(e)) return { kind: "done", ok: false, error: wire(e) };
        return { kind: "failed", error: e };
      } finally {
        if (active === guard) active = undefined;
        loading = undefined;
      }
    },
    close() {
      runner.close();
    },
  };
}

const wire = (e: LoomError): WireError => ({ code: e.code, message: e.message });
