/**
 * Differential fuzzing of the instrumenter (runtime/src/plugins/wasm-instrument.ts): Binaryen's
 * `wasm-opt --translate-to-fuzz` turns random bytes into a random valid module (its loops carry
 * a hang limit, so every export ends); the original and the instrumented module must log the
 * same values and return or throw the same from every export.
 *
 * `bun tests/plugins/instrument-fuzz.ts [count]` runs `count` random modules (default 100) and
 * exits 1 on the first difference, keeping the module as instrument-fuzz-failure.wasm;
 * instrument-fuzz.test.ts runs a few fixed seeds in the suite.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { instrument, TICK_IMPORT } from "@loom/runtime/plugins/wasm-instrument";

const WASM_OPT = join(dirname(Bun.resolveSync("binaryen/package.json", import.meta.dir)), "bin/wasm-opt");
/** Everything the instrumenter rewrites; exception handling and GC are refused by it, so left out. */
const FEATURES = [
  "--enable-simd",
  "--enable-bulk-memory",
  "--enable-sign-ext",
  "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals",
  "--enable-tail-call",
  "--enable-multivalue",
  "--enable-reference-types",
];

/** A random module from `seed` bytes. */
export function fuzzModule(seed: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "loom-fuzz-"));
  try {
    writeFileSync(join(dir, "seed"), seed);
    const p = Bun.spawnSync(
      [process.execPath, WASM_OPT, "-ttf", join(dir, "seed"), "-o", join(dir, "m.wasm"), ...FEATURES],
      { env: { ...process.env, BUN_BE_BUN: "1" } },
    );
    if (p.exitCode !== 0) throw new Error(`wasm-opt failed: ${p.stderr.toString().slice(0, 300)}`);
    return new Uint8Array(readFileSync(join(dir, "m.wasm")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const text = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));

/** Instantiates `bytes` and calls every exported function with no arguments; the log as text. */
export function runAll(bytes: Uint8Array, fuel = 3): string {
  const log: unknown[] = [];
  let exports: WebAssembly.Exports = {};
  const table = () => exports["table"] as WebAssembly.Table;
  const support: Record<string, (...a: never[]) => unknown> = {
    "table-get": (i: number) => table().get(i >>> 0),
    "table-set": (i: number, v: never) => table().set(i >>> 0, v),
  };
  for (const t of ["i32", "i64", "f32", "f64", "v128"])
    support[`log-${t}`] = (...x: unknown[]) => log.push([t, ...x]);
  const imports: Record<string, Record<string, unknown>> = {
    "fuzzing-support": support,
    [TICK_IMPORT.module]: { [TICK_IMPORT.name]: () => fuel },
  };
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    return text([["compile", String(e)]]);
  }
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    const ns = imports[imp.module]!;
    if (!(imp.name in ns)) ns[imp.name] = imp.kind === "function" ? () => 0 : null;
  }
  try {
    exports = new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports;
  } catch (e) {
    return text([...log, ["instantiate", String(e)]]);
  }
  // A function reference is shown by what calling it does (its JS name is its index, which the
  // rewrite shifts), one level deep.
  const call = (f: () => unknown, depth: number): unknown => {
    try {
      return show(f(), depth + 1);
    } catch (e) {
      return ["threw", String(e)];
    }
  };
  const show = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v)) return v.map((x) => show(x, depth));
    if (typeof v === "function") return depth > 1 ? "funcref" : ["funcref", call(v as () => unknown, depth)];
    return v;
  };
  for (const [name, f] of Object.entries(exports)) {
    if (typeof f === "function") log.push([name, call(f as () => unknown, 0)]);
  }
  return text(log);
}

/** Null when both behave the same; otherwise what differs. */
export function compare(
  bytes: Uint8Array,
): { original: string; instrumented: string } | "unsupported" | null {
  const out = instrument(bytes);
  if (!out) return "unsupported";
  const original = runAll(bytes);
  const instrumented = runAll(out);
  return original === instrumented ? null : { original, instrumented };
}

if (import.meta.main) {
  const count = Number(process.argv[2] ?? 100);
  let unsupported = 0;
  for (let i = 0; i < count; i++) {
    const bytes = fuzzModule(crypto.getRandomValues(new Uint8Array(1000 + Math.floor(Math.random() * 9000))));
    const diff = compare(bytes);
    if (diff === "unsupported") unsupported++;
    else if (diff) {
      await Bun.write("instrument-fuzz-failure.wasm", bytes);
      console.error(`module ${i}: behaviour differs (kept as instrument-fuzz-failure.wasm)`);
      console.error(
        `original:     ${diff.original.slice(0, 500)}\ninstrumented: ${diff.instrumented.slice(0, 500)}`,
      );
      process.exit(1);
    }
    if ((i + 1) % 10 === 0)
      console.log(`${i + 1}/${count} modules, same behaviour (${unsupported} not instrumentable)`);
  }
  console.log(
    `${count} random modules: the instrumented ones behave as the originals (${unsupported} not instrumentable)`,
  );
}
