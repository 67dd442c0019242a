/**
 * One Extism instance of a plugin module and the rules for a call on it, shared by the two
 * places a WASM plugin runs: the parent's main thread (wasm-inprocess.ts, instrumented module)
 * and the plugin's child process (host-worker.ts). Output over the limit is an error; a
 * guest-reported error is TOOL_FAILED; a trap is PLUGIN_FAILED with an out-of-memory hint when
 * the guest's memory was near its cap; Extism's blocks are charged to a budget of `memoryMb`
 * (block-budget.ts) and a call past it is TOOL_MEMORY; an export that returns non-zero without
 * setting an error is TOOL_FAILED (wasm-return-code.ts). After any abnormal unwind (trap,
 * refused host call, a thrown deadline) the instance may be half-way through its own
 * bookkeeping, so it is replaced by a fresh one before the next call.
 */
import createPlugin, { type CallContext, type Plugin } from "@extism/extism";
import { formatError, isLoomError } from "../errors.ts";
import { type BlockBudget, createBlockBudget } from "./block-budget.ts";
import type { WireError } from "./host-protocol.ts";
import { WASM_PAGE } from "./wasm-module.ts";
import { GUEST_MODULE, RETURNED_IMPORT, returnCodeShim } from "./wasm-return-code.ts";

// biome-ignore lint/suspicious/noExplicitAny: Extism host functions take and return i64 offsets or plain numbers.
export type HostFn = (ctx: CallContext, ...args: any[]) => any;

export interface RunnerOptions {
  /** The plugin's name, for error messages. */
  plugin: string;
  /** Memory-capped module bytes, or the same compiled. */
  module: Uint8Array | WebAssembly.Module;
  /** Bytes of a module with the same exports as `module` (read for the return-code shim). */
  source: Uint8Array;
  memoryMb: number;
  maxOutputBytes: number;
  /** Import namespaces: `extism:host/user` host functions, and any other the module imports. */
  functions: Record<string, Record<string, HostFn>>;
  /**
   * Errors for which the runner only resets the instance and rethrows, instead of turning them
   * into an outcome (the in-process host's "move this call to the child" signal).
   */
  passThrough?: (e: unknown) => boolean;
}

export type CallOutcome = { ok: true; output: string } | { ok: false; error: WireError };

export interface Runner {
  /** Resolves once the first instance is up; rejects with why it could not start. */
  readonly ready: Promise<void>;
  /** Rejects with RunnerStartError when the instance could not be created, or a pass-through error. */
  call(exportName: string, input: string): Promise<CallOutcome>;
  close(): void;
}

const decoder = new TextDecoder();

const noop = () => {};
/** Extism logs some refusals straight to its logger; a plugin's errors reach the user as tool results. */
const silent = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  log: noop,
} as unknown as Console;

/**
 * The import namespaces with the kernel's `alloc` budgeted and every host function (they store
 * their results as blocks) watching the budget; other namespaces (`tick`) as they are.
 */
function budgeted(opts: RunnerOptions, budget: BlockBudget): Record<string, Record<string, HostFn>> {
  const functions: Record<string, Record<string, HostFn>> = { ...opts.functions };
  const user = opts.functions["extism:host/user"] ?? {};
  functions["extism:host/user"] = Object.fromEntries(
    Object.entries(user).map(([name, f]): [string, HostFn] => [
      name,
      (ctx, ...args) => {
        budget.watch(ctx);
        return f(ctx, ...args);
      },
    ]),
  );
  functions["extism:host/env"] = { ...opts.functions["extism:host/env"], alloc: budget.alloc };
  return functions;
}

/** The return-code shim for this plugin, compiled; undefined when the module cannot have one. */
function compileShim(opts: RunnerOptions): WebAssembly.Module | undefined {
  const shim = returnCodeShim(opts.module instanceof WebAssembly.Module ? opts.source : opts.module);
  try {
    return shim ? new WebAssembly.Module(shim as Uint8Array<ArrayBuffer>) : undefined;
  } catch {
    return undefined;
  }
}

function instantiate(
  opts: RunnerOptions,
  budget: BlockBudget,
  shim: WebAssembly.Module | undefined,
  returned: HostFn,
): Promise<Plugin> {
  const guest = opts.module instanceof WebAssembly.Module ? { module: opts.module } : { data: opts.module };
  const wasm = shim
    ? [
        { ...guest, name: GUEST_MODULE },
        { module: shim, name: "main" },
      ]
    : [guest];
  const functions = budgeted(opts, budget);
  if (shim) functions[RETURNED_IMPORT.module] = { ...functions[RETURNED_IMPORT.module], returned };
  return createPlugin(
    { wasm },
    {
      useWasi: false,
      runInWorker: false,
      logLevel: "silent",
      logger: silent,
      functions,
      // No maxPages: the budget bounds blocks (Extism's own check keeps what it refuses).
      memory: { maxVarBytes: opts.maxOutputBytes },
    },
  );
}

async function memoryBytes(plugin: Plugin): Promise<number> {
  const mem = (await plugin.getInstance()).exports["memory"];
  return mem instanceof WebAssembly.Memory ? mem.buffer.byteLength : 0;
}

/** JavaScriptCore names the JS expression that raised a trap (`(evaluating 'func()')`): Extism's, not the plugin's. */
const withoutEngineDetail = (message: string): string => message.replace(/ \(evaluating '.*'\)$/, "");

/** The instance could not be (re)created; `why` is the error. */
export class RunnerStartError extends Error {
  constructor(readonly why: unknown) {
    super(formatError(why));
  }
}

const failed = (code: WireError["code"], message: string): CallOutcome => ({
  ok: false,
  error: { code, message },
});

export function createRunner(opts: RunnerOptions): Runner {
  const budget = createBlockBudget(opts.plugin, opts.memoryMb);
  const shim = compileShim(opts);
  /** What the running export returned, when not 0 (reported by the shim). */
  let returnCode = 0;
  const returned: HostFn = (_ctx, code: number) => {
    returnCode = code;
  };
  let current = instantiate(opts, budget, shim, returned);
  current.catch(() => {});

  async function reset(plugin: Plugin): Promise<void> {
    current = instantiate(opts, budget, shim, returned);
    current.catch(() => {});
    await plugin.close().catch(() => {});
  }

  return {
    ready: current.then(() => {}),
    async call(exportName, input) {
      const plugin = await current.catch((e) => {
        throw new RunnerStartError(e);
      });
      try {
        budget.reset();
        returnCode = 0;
        const out = await plugin.call(exportName, input);
        if (returnCode !== 0) {
          return failed(
            "TOOL_FAILED",
            `plugin returned ${returnCode} without an error message (a non-zero return is a failure)`,
          );
        }
        const bytes = out?.bytes() ?? new Uint8Array();
        if (bytes.length > opts.maxOutputBytes) {
          const msg = `output of ${bytes.length} bytes is over the plugin's limit of ${opts.maxOutputBytes} bytes (limits.maxOutputBytes)`;
          return failed("TOOL_FAILED", msg);
        }
        return { ok: true, output: decoder.decode(bytes) };
      } catch (e) {
        const message = withoutEngineDetail(formatError(e));
        if (!isLoomError(e) && message.startsWith("Plugin-originated error: ")) {
          return failed("TOOL_FAILED", message.slice(25));
        }
        const cap = opts.memoryMb * 1024 * 1024;
        const margin = Math.max(64 * WASM_PAGE, cap / 8);
        const near = (await memoryBytes(plugin).catch(() => 0)) + margin >= cap;
        await reset(plugin);
        if (opts.passThrough?.(e)) throw e;
        if (isLoomError(e)) return failed(e.code, e.message);
        const hint = near
          ? ` (likely out of memory: the limit is ${opts.memoryMb} MiB, limits.memoryMb)`
          : "";
        return failed("PLUGIN_FAILED", `wasm trap: ${message}${hint}`);
      }
    },
    close() {
      void current.then((p) => p.close()).catch(() => {});
    },
  };
}
