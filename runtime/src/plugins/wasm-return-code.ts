/**
 * Extism's JS SDK (2.0.0-rc13) calls an export and drops the i32 it returns, so an export that
 * returns 7 without `error_set` would count as a success. A small generated module, linked in
 * front of the plugin's (Extism links modules by name: the plugin's is `guest`, the shim is
 * `main`), exports each of the plugin's `() -> i32` functions under the same name: it calls the
 * plugin's and, when the result is not 0, hands it to `"loom:host" "returned"` before returning
 * it. `() -> ()` exports are re-exported as they are, and so is the memory (for the runner's
 * out-of-memory hint).
 *
 * `returnCodeShim` answers `undefined` when it cannot help: a module whose types it does not
 * read (GC `rec` groups), or one that exports `_start` (Extism instantiates such a module once
 * per import, so the shim would multiply it).
 */
import { leb, Reader, readSections, WASM_HEADER, WasmFormatError, writeModule } from "./wasm-bytes.ts";

export const RETURNED_IMPORT = { module: "loom:host", name: "returned" } as const;
export const GUEST_MODULE = "guest";

const I32 = 0x7f;
type Signature = "i32" | "void" | "other";

interface GuestExports {
  functions: { name: string; signature: Signature }[];
  /** The exported `memory`, when it is a plain (unshared, 32-bit) one. */
  memory: boolean;
}

function readFuncType(r: Reader): Signature {
  const params = r.u32();
  for (let i = 0; i < params; i++) r.skipValType();
  const results = r.u32();
  const types: number[] = [];
  for (let i = 0; i < results; i++) {
    types.push(r.b[r.p] ?? 0);
    r.skipValType();
  }
  if (params !== 0) return "other";
  if (results === 0) return "void";
  return results === 1 && types[0] === I32 ? "i32" : "other";
}

function readName(r: Reader): string {
  const n = r.u32();
  const start = r.p;
  r.skip(n);
  return new TextDecoder().decode(r.b.subarray(start, start + n));
}

/** The module's exported functions with their signatures; undefined for what it does not read. */
function guestExports(wasm: Uint8Array): GuestExports | undefined {
  const types: Signature[] = [];
  const funcTypes: number[] = [];
  /** Memory index → whether it is plain (flags 0 or 1). */
  const memories: boolean[] = [];
  const exports: { name: string; kind: number; index: number }[] = [];
  for (const s of readSections(wasm)) {
    const r = new Reader(s.body);
    if (s.id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) return undefined;
        types.push(readFuncType(r));
      }
    } else if (s.id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        r.skipName();
        r.skipName();
        const kind = r.byte();
        if (kind === 0) funcTypes.push(r.u32());
        else if (kind === 1) {
          r.skipValType();
          r.skipLimits();
        } else if (kind === 2) {
          const flags = r.b[r.p] ?? 0;
          r.skipLimits();
          memories.push(flags <= 1);
        } else if (kind === 3) {
          r.skipValType();
          r.byte();
        } else if (kind === 4) {
          r.byte();
          r.u32();
        } else return undefined;
      }
    } else if (s.id === 3) {
      for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
    } else if (s.id === 5) {
      for (let n = r.u32(); n > 0; n--) {
        const flags = r.b[r.p] ?? 0;
        r.skipLimits();
        memories.push(flags <= 1);
      }
    } else if (s.id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = readName(r);
        const kind = r.byte();
        exports.push({ name, kind, index: r.u32() });
      }
    }
  }
  if (exports.some((e) => e.name === "_start")) return undefined;
  const functions = exports
    .filter((e) => e.kind === 0)
    .map((e) => ({ name: e.name, signature: types[funcTypes[e.index] ?? -1] ?? ("other" as const) }));
  const memory = exports.some((e) => e.kind === 2 && e.name === "memory" && memories[e.index] === true);
  return { functions, memory };
}

const bytes = (text: string): number[] => {
  const b = new TextEncoder().encode(text);
  return [...leb(b.length), ...b];
};
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => ({ id, body: Uint8Array.from(body) });

/** The shim module for `wasm` (the plugin's bytes), or undefined when it cannot be made. */
export function returnCodeShim(wasm: Uint8Array): Uint8Array | undefined {
  let guest: GuestExports | undefined;
  try {
    guest = guestExports(wasm);
  } catch (e) {
    if (e instanceof WasmFormatError) return undefined;
    throw e;
  }
  if (!guest) return undefined;
  const wrapped = guest.functions.filter((f) => f.signature === "i32");
  const passed = guest.functions.filter((f) => f.signature === "void");
  // Types: 0 = () -> i32, 1 = (i32) -> (), 2 = () -> ().
  const typeSec = vec([
    [0x60, 0, 1, I32],
    [0x60, 1, I32, 0],
    [0x60, 0, 0],
  ]);
  // Functions: 0 = returned, then the wrapped imports, then the passed-through ones.
  const imports = [
    [...bytes(RETURNED_IMPORT.module), ...bytes(RETURNED_IMPORT.name), 0, 1],
    ...wrapped.map((f) => [...bytes(GUEST_MODULE), ...bytes(f.name), 0, 0]),
    ...passed.map((f) => [...bytes(GUEST_MODULE), ...bytes(f.name), 0, 2]),
  ];
  if (guest.memory) imports.push([...bytes(GUEST_MODULE), ...bytes("memory"), 2, 0, 0]);
  const importedFuncs = 1 + wrapped.length + passed.length;
  const exports = [
    ...wrapped.map((f, i) => [...bytes(f.name), 0, ...leb(importedFuncs + i)]),
    ...passed.map((f, i) => [...bytes(f.name), 0, ...leb(1 + wrapped.length + i)]),
  ];
  if (guest.memory) exports.push([...bytes("memory"), 2, 0]);
  // local i32; call guest; local.tee 0; if; local.get 0; call returned; end; local.get 0; end
  const body = (target: number): number[] => {
    const code = [
      1,
      1,
      I32,
      0x10,
      ...leb(target),
      0x22,
      0,
      0x04,
      0x40,
      0x20,
      0,
      0x10,
      0,
      0x0b,
      0x20,
      0,
      0x0b,
    ];
    return [...leb(code.length), ...code];
  };
  return writeModule(Uint8Array.from(WASM_HEADER), [
    section(1, typeSec),
    section(2, vec(imports)),
    section(3, vec(wrapped.map(() => [0]))),
    section(7, vec(exports)),
    section(10, vec(wrapped.map((_, i) => body(1 + i)))),
  ]);
}
