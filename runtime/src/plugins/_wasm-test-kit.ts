/**
 * Test kit for the WASM instrumenter's tests: WAT compilation (wabt), a small hand assembler for
 * what wabt cannot write, running a module before and after the rewrite, and shared fixtures.
 */
import { expect } from "bun:test";
import wabtInit from "wabt";
import { leb } from "./wasm-bytes.ts";
import { instrument, TICK_IMPORT } from "./wasm-instrument.ts";

const wabt = await wabtInit();
const FEATURES = {
  simd: true,
  relaxed_simd: true,
  tail_call: true,
  exceptions: true,
  bulk_memory: true,
  reference_types: true,
  multi_value: true,
  multi_memory: true,
  threads: true,
  gc: true,
  extended_const: true,
};

export function wat(text: string, debugNames = false): Uint8Array {
  const m = wabt.parseWat("test.wat", text, FEATURES);
  try {
    m.resolveNames();
    return new Uint8Array(m.toBinary({ write_debug_names: debugNames }).buffer);
  } finally {
    m.destroy();
  }
}

export function rewritten(bytes: Uint8Array): Uint8Array {
  const out = instrument(bytes);
  if (!out) throw new Error("instrument refused a module it should handle");
  return out;
}

export type Imports = WebAssembly.Imports;
export type Exports = Record<string, (...args: unknown[]) => unknown>;
/** WebAssembly.Exception, which TypeScript's lib does not declare yet. */
export interface WasmException {
  is(tag: unknown): boolean;
  getArg(tag: unknown, index: number): unknown;
}
export const { Exception } = WebAssembly as unknown as { Exception: abstract new () => WasmException };

export async function instantiate(bytes: Uint8Array, imports: Imports): Promise<Exports> {
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, imports);
  return instance.exports as unknown as Exports;
}

/** A `tick` answering `fuel` each time, counting its calls, throwing `stop` after `limit` calls. */
export function ticker(fuel: number, limit = Number.POSITIVE_INFINITY, stop = new Error("deadline")) {
  const t = {
    calls: 0,
    stop,
    tick: (): number => {
      t.calls++;
      if (t.calls > limit) throw stop;
      return fuel;
    },
  };
  return t;
}

export type Call = [name: string, args: unknown[], expected: unknown];

/** Outcome of a call: its value, or the class and message of what it threw. */
export function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    // JSC appends the failing JS expression, which differs between the two call sites.
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { threw: message.replace(/ \(evaluating .*\)$/, "") };
  }
}

/**
 * Runs `calls` in order on the original and on the instrumented module (fresh imports for
 * each, `tick` answering `fuel`), and checks both give `expected` (a value, or `{ threw }`).
 * Answers the instrumented instance's tick count and the JS-side log of each.
 */
export async function same(
  bytes: Uint8Array,
  calls: Call[],
  fuel = 3,
  makeImports: (log: unknown[]) => Imports = () => ({}),
) {
  const logs: unknown[][] = [[], []];
  const t = ticker(fuel);
  const original = await instantiate(bytes, makeImports(logs[0]!));
  const instrumented = await instantiate(rewritten(bytes), {
    ...makeImports(logs[1]!),
    [TICK_IMPORT.module]: { [TICK_IMPORT.name]: t.tick },
  });
  for (const [name, args, expected] of calls) {
    const want =
      typeof expected === "object" && expected !== null && "threw" in expected
        ? expected
        : { value: expected };
    expect({ name, ...(outcome(() => original[name]!(...args)) as object) }).toEqual({ name, ...want });
    expect({ name, ...(outcome(() => instrumented[name]!(...args)) as object) }).toEqual({ name, ...want });
  }
  expect(logs[1]).toEqual(logs[0]!);
  return { ticks: t.calls, log: logs[1]!, instrumented };
}

// --- hand-assembled binaries, for what wabt 1.0.39 cannot write -----------------------------

export const uleb = (value: number): number[] => leb(value);
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const str = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
};
export const binary = (...sections: number[][]): Uint8Array =>
  Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
export const code = (instrs: number[], locals: number[][] = []): number[] => {
  const b = [...vec(locals), ...instrs, 0x0b];
  return [...uleb(b.length), ...b];
};
export const customSection = (name: string, payload: number[]): number[] =>
  section(0, [...str(name), ...payload]);
export const I32 = 0x7f;

// --- fixtures -------------------------------------------------------------------------------

/** Imports two functions and a global (so defined indices shift), and uses every place a function index can appear. */
export const INDICES = wat(`(module
  (type $ii (func (param i32) (result i32)))
  (import "env" "add10" (func $add10 (param i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (import "env" "base" (global $base i32))
  (table $t 4 funcref)
  (table $t2 3 funcref)
  (global $started (mut i32) (i32.const 0))
  (global $fref funcref (ref.func $triple))
  (elem (i32.const 0) $double $triple)
  (elem (table $t2) (i32.const 1) func $square $add10)
  (elem $exprs funcref (ref.func $double) (ref.null func) (ref.func $square))
  (elem $funcs func $triple $neg)
  (elem declare func $neg)
  (elem (table $t2) (i32.const 0) funcref (ref.func $neg))
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (type $ii) (i32.mul (local.get 0) (i32.const 3)))
  (func $square (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func $neg (type $ii) (i32.sub (i32.const 0) (local.get 0)))
  (func $init (global.set $started (i32.add (global.get $base) (i32.const 1))) (call $log (i32.const 99)))
  (start $init)
  (func (export "started") (result i32) (global.get $started))
  (func (export "direct") (param i32) (result i32) (call $log (local.get 0)) (call $add10 (call $double (local.get 0))))
  (func (export "t") (param i32 i32) (result i32) (call_indirect $t (type $ii) (local.get 0) (local.get 1)))
  (func (export "t2") (param i32 i32) (result i32) (call_indirect $t2 (type $ii) (local.get 0) (local.get 1)))
  (func (export "viaGlobal") (param i32) (result i32)
    (table.set $t (i32.const 3) (global.get $fref))
    (call_indirect $t (type $ii) (local.get 0) (i32.const 3)))
  (func (export "viaRefFunc") (param i32) (result i32)
    (table.set $t (i32.const 2) (ref.func $neg))
    (call_indirect $t (type $ii) (local.get 0) (i32.const 2)))
  (func (export "initExprs") (table.init $t $exprs (i32.const 0) (i32.const 0) (i32.const 3)) (elem.drop $exprs))
  (func (export "initFuncs") (table.init $t2 $funcs (i32.const 1) (i32.const 0) (i32.const 2)))
  (func (export "isNull") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (export "double" (func $double))
  (export "reexported" (func $add10))
  (export "fref" (global $fref))
  (export "table" (table $t)))`);

export const envImports = (log: unknown[]): Imports => ({
  env: {
    add10: (x: number) => x + 10,
    log: (x: number) => log.push(x),
    base: 41,
  },
});
