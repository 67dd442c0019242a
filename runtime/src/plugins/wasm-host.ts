/**
 * Parent side of the WASM plugin host. Calls are serialised per plugin and run in one of two
 * places:
 *
 * - in-process (wasm-inprocess.ts): on the main thread, from the module rewritten so its loops
 *   check the clock (wasm-instrument.ts). This is the fast path; a call that would hold the main
 *   thread longer than its slice, or reaches `http_fetch`, is stopped before it has changed
 *   anything and run again in the child, and an export that did so goes straight to the child
 *   until a child call of it finishes quickly;
 * - the child: one warm process per plugin, started when first needed. The module goes to it
 *   over IPC; calls and results over a Unix socket in a private temp dir (removed as soon as
 *   the child connects). A call that passes its deadline (or is cancelled) kills the child — the
 *   only thing that stops an uninstrumented pure-WASM loop under Bun — and a fresh child is
 *   started for the next call.
 *
 * `isolation: "process"` (or a module the rewrite does not handle) uses the child only.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket, SocketListener, Subprocess } from "bun";
import { formatError, LoomError } from "../errors.ts";
import {
  type CallRequest,
  type ChildMessage,
  frameReader,
  frameWriter,
  type LoadRequest,
  type WireError,
} from "./host-protocol.ts";
import type { PluginLimits } from "./manifest.ts";
import type { EffectivePermissions } from "./permissions.ts";
import type { InProcessRunner } from "./wasm-inprocess.ts";

/** The least time a child process gets to start and load its module (see call()). */
const LOAD_BUDGET_MS = 5_000;

/** How long an in-process call may hold the main thread before it moves to the child. */
export const IN_PROCESS_SLICE_MS = 50;

export interface WasmHostOptions {
  plugin: string;
  /** Verified and memory-capped module bytes. */
  wasm: Uint8Array;
  /** Canonical workspace root. */
  root: string;
  /** Resolved once, on the first call (first-use consent happens there). */
  permissions: () => Promise<EffectivePermissions>;
  limits: Required<PluginLimits>;
  onLog?: (plugin: string, message: string) => void;
  /** `auto` (default): in-process when the module can be instrumented; `process`: child only. */
  isolation?: "auto" | "process";
  sliceMs?: number;
}

export interface WasmHost {
  /**
   * Calls a wasm export with its input; resolves its output text, rejects with a LoomError.
   * With `onEvent` (a provider's request) the call runs in the child and each `emit_event` of
   * the guest reaches `onEvent` as it happens, in order, before the call resolves.
   */
  call(
    exportName: string,
    input: string,
    signal?: AbortSignal,
    onEvent?: (event: string) => void,
  ): Promise<string>;
  /** Number of child processes started so far (restarts included). */
  readonly starts: number;
  /** Calls answered in-process, and calls moved from there to the child. */
  readonly inProcess: { calls: number; moved: number };
  close(): void;
}

interface Pending {
  resolve(output: string): void;
  reject(e: LoomError): void;
  onEvent?: ((event: string) => void) | undefined;
}

interface Child {
  proc: Subprocess<"ignore", "ignore", "pipe">;
  ready: Promise<void>;
  /** True once `ready` has resolved: calls then skip the loading deadline. */
  loaded: boolean;
  pending: Map<number, Pending>;
  dead: boolean;
  stderr: string;
  /** Set once the child has connected. */
  send?: (msg: CallRequest) => void;
  /** Stops the listener and removes the socket's directory (idempotent). */
  cleanup(): void;
}

/** A Unix socket listener in a fresh 0700 temp dir, accepting one connection. */
function listenOnce(handlers: { open(socket: Socket): void; data(chunk: Uint8Array): void; drain(): void }): {
  path: string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "loom-plugin-"));
  chmodSync(dir, 0o700);
  const path = join(dir, "host.sock");
  let accepted = false;
  let done = false;
  let listener: SocketListener | undefined;
  const cleanup = () => {
    if (done) return;
    done = true;
    listener?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    listener = Bun.listen({
      unix: path,
      socket: {
        open(socket) {
          if (accepted) return void socket.end();
          accepted = true;
          socket.unref();
          cleanup();
          handlers.open(socket);
        },
        data: (_s, chunk) => handlers.data(chunk),
        drain: () => handlers.drain(),
      },
    });
  } catch (e) {
    cleanup();
    throw e;
  }
  listener.unref();
  return { path, cleanup };
}

/** `bun host-worker.ts` from sources; inside a compiled binary the binary itself with LOOM_PLUGIN_HOST=1. */
function workerCommand(): { cmd: string[]; env: Record<string, string | undefined> } {
  if (import.meta.url.includes("$bunfs"))
    return { cmd: [process.execPath], env: { ...process.env, LOOM_PLUGIN_HOST: "1" } };
  return { cmd: [process.execPath, new URL("./host-worker.ts", import.meta.url).pathname], env: process.env };
}

const toError = (e: WireError): LoomError => new LoomError(e.code, e.message);

export function createWasmHost(opts: WasmHostOptions): WasmHost {
  let child: Child | undefined;
  let permissions: Promise<EffectivePermissions> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let nextId = 1;
  let starts = 0;
  let closed = false;
  /** Created on the first call; `null` once it is known not to be usable. */
  let fast: InProcessRunner | null | undefined = opts.isolation === "process" ? null : undefined;
  /** Exports whose last in-process attempt moved to the child. */
  const slow = new Set<string>();
  const inProcess = { calls: 0, moved: 0 };
  const sliceMs = opts.sliceMs ?? IN_PROCESS_SLICE_MS;

  function fail(c: Child, e: LoomError): void {
    c.dead = true;
    c.cleanup();
    for (const p of c.pending.values()) p.reject(e);
    c.pending.clear();
  }

  function onMessage(
    c: Child,
    msg: ChildMessage,
    loaded: () => void,
    loadFailed: (e: LoomError) => void,
  ): void {
    switch (msg.type) {
      case "loaded":
        loaded();
        return;
      case "load_failed":
        loadFailed(toError(msg.error));
        return;
      case "log":
        opts.onLog?.(opts.plugin, msg.message);
        return;
      case "event":
        c.pending.get(msg.id)?.onEvent?.(msg.event);
        return;
      case "result":
      case "failed": {
        const p = c.pending.get(msg.id);
        c.pending.delete(msg.id);
        if (msg.type === "result") p?.resolve(msg.output);
        else p?.reject(toError(msg.error));
        return;
      }
      default: {
        const never: never = msg;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  function spawnChild(perms: EffectivePermissions): Child {
    starts += 1;
    const { cmd, env } = workerCommand();
    let onLoaded: () => void = () => {};
    let onLoadFailed: (e: LoomError) => void = () => {};
    const ready = new Promise<void>((res, rej) => {
      onLoaded = () => {
        c.loaded = true;
        res();
      };
      onLoadFailed = rej;
    });
    ready.catch(() => {});
    let writer: ReturnType<typeof frameWriter> | undefined;
    const read = frameReader((msg) => onMessage(c, msg as ChildMessage, onLoaded, onLoadFailed));
    const socket = listenOnce({
      open(s) {
        writer = frameWriter(s);
        c.send = (msg) => writer?.send(msg);
      },
      data(chunk) {
        try {
          read(chunk);
        } catch (e) {
          kill(
            c,
            new LoomError(
              "PLUGIN_FAILED",
              `plugin ${opts.plugin}: bad message from the host process: ${formatError(e)}`,
            ),
          );
        }
      },
      drain: () => writer?.drain(),
    });
    const c: Child = {
      ready,
      loaded: false,
      pending: new Map(),
      dead: false,
      stderr: "",
      cleanup: socket.cleanup,
      proc: Bun.spawn({
        cmd,
        env,
        stdin: "ignore",
        stdout: "ignore",
        stderr: "pipe",
        serialization: "advanced",
        ipc() {},
        onExit(_proc, code, signal) {
          const why = `plugin ${opts.plugin}: host process exited (${signal ?? `code ${code}`})${c.stderr ? `: ${c.stderr.trim().split("\n").at(-1)}` : ""}`;
          const e = new LoomError("PLUGIN_FAILED", why);
          onLoadFailed(e);
          fail(c, e);
        },
      }),
    };
    void (async () => {
      const reader = c.proc.stderr.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        c.stderr = (c.stderr + decoder.decode(value)).slice(-2000);
      }
    })().catch(() => {});
    c.proc.unref();
    const load: LoadRequest = {
      type: "load",
      plugin: opts.plugin,
      wasm: opts.wasm,
      root: opts.root,
      permissions: perms,
      memoryMb: opts.limits.memoryMb,
      maxOutputBytes: opts.limits.maxOutputBytes,
      socket: socket.path,
    };
    c.proc.send(load);
    return c;
  }

  async function resolvedPermissions(): Promise<EffectivePermissions> {
    permissions ??= opts.permissions();
    const perms = await permissions;
    if (closed) throw new LoomError("PLUGIN_FAILED", `plugin ${opts.plugin} is closed`);
    return perms;
  }

  async function live(deadline: number): Promise<Child> {
    const perms = await resolvedPermissions();
    if (!child || child.dead) child = spawnChild(perms);
    const c = child;
    try {
      await withDeadline(c, c.ready, "loading", deadline);
    } catch (e) {
      kill(c, e as LoomError);
      throw e;
    }
    return c;
  }

  function kill(c: Child, e: LoomError): void {
    fail(c, e);
    c.proc.kill(9);
    if (child === c) child = undefined;
  }

  const timedOut = (what: string): LoomError =>
    new LoomError(
      "TOOL_TIMEOUT",
      `plugin ${opts.plugin} took longer than ${opts.limits.timeoutMs} ms ${what} and was stopped (limits.timeoutMs); it restarts on the next call`,
    );
  const cancelled = (): LoomError =>
    new LoomError("TOOL_CANCELLED", `plugin ${opts.plugin}: the call was cancelled`);

  /** Races `p` against the call's deadline; past it, the child is killed. */
  function withDeadline<T>(
    c: Child,
    p: Promise<T>,
    what: string,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          const e = timedOut(what);
          kill(c, e);
          reject(e);
        },
        Math.max(0, deadline - performance.now()),
      );
      const onAbort = () => {
        const e = cancelled();
        kill(c, e);
        reject(e);
      };
      if (signal?.aborted) onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      p.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      });
    });
  }

  /** The in-process runner, created on first use; null when the module cannot run in-process. */
  async function fastPath(): Promise<InProcessRunner | null> {
    if (fast !== undefined) return fast;
    const perms = await resolvedPermissions();
    // Loaded on the first call, so that start-up does not pay for Extism.
    const [{ createInProcessRunner }, { instrument }] = await Promise.all([
      import("./wasm-inprocess.ts"),
      import("./wasm-instrument.ts"),
    ]);
    if (fast !== undefined) return fast;
    const rewritten = instrument(opts.wasm);
    let module: WebAssembly.Module | undefined;
    try {
      if (rewritten) module = new WebAssembly.Module(rewritten as Uint8Array<ArrayBuffer>);
    } catch (e) {
      opts.onLog?.(
        opts.plugin,
        `loom: the instrumented module does not compile (${formatError(e)}); using a child process`,
      );
    }
    fast = module
      ? createInProcessRunner({
          plugin: opts.plugin,
          module,
          source: opts.wasm,
          root: opts.root,
          permissions: perms,
          memoryMb: opts.limits.memoryMb,
          maxOutputBytes: opts.limits.maxOutputBytes,
          sliceMs,
          ...(opts.onLog ? { onLog: opts.onLog } : {}),
        })
      : null;
    return fast;
  }

  async function callOnce(
    exportName: string,
    input: string,
    signal?: AbortSignal,
    onEvent?: (event: string) => void,
  ): Promise<string> {
    if (signal?.aborted) throw cancelled();
    let deadline = performance.now() + opts.limits.timeoutMs;
    // Emitted events cannot be taken back, so a streaming call never starts where it might move.
    const runner = slow.has(exportName) || onEvent ? null : await fastPath();
    if (runner) {
      const r = await runner.call(exportName, input, deadline);
      switch (r.kind) {
        case "done":
          inProcess.calls++;
          if (r.ok) return r.output;
          throw toError(r.error);
        case "timeout":
          throw timedOut(`in ${exportName}`);
        case "move":
          inProcess.moved++;
          slow.add(exportName);
          break;
        case "failed":
          fast = null;
          runner.close();
          opts.onLog?.(
            opts.plugin,
            `loom: cannot run in-process (${formatError(r.error)}); using a child process`,
          );
          break;
      }
      if (signal?.aborted) throw cancelled();
    }
    let c = child?.loaded && !child.dead ? child : undefined;
    if (!c) {
      // Starting the process and compiling the module is the host's work, not the call's: it gets
      // at least LOAD_BUDGET_MS (so a loaded machine does not fail a short-limit plugin's first
      // call), and the call then has its whole timeoutMs.
      c = await live(Math.max(deadline, performance.now() + LOAD_BUDGET_MS));
      deadline = Math.max(deadline, performance.now() + opts.limits.timeoutMs);
    }
    const id = nextId++;
    const started = performance.now();
    const result = new Promise<string>((resolve, reject) => c.pending.set(id, { resolve, reject, onEvent }));
    c.send?.({ type: "call", id, export: exportName, input, ...(onEvent ? { events: true } : {}) });
    const output = await withDeadline(c, result, `in ${exportName}`, deadline, signal);
    if (performance.now() - started < sliceMs / 2) slow.delete(exportName);
    return output;
  }

  return {
    call(exportName, input, signal, onEvent) {
      const run = queue.then(() => callOnce(exportName, input, signal, onEvent));
      queue = run.catch(() => {});
      return run;
    },
    get starts() {
      return starts;
    },
    get inProcess() {
      return { ...inProcess };
    },
    close() {
      closed = true;
      fast?.close();
      if (child) kill(child, new LoomError("PLUGIN_FAILED", `plugin ${opts.plugin} was closed`));
    },
  };
}
