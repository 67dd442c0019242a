/**
 * Makes every loop and every call in a plugin's module interruptible, so that the module can
 * run on the main thread and still be stopped at its deadline (FACTS.md: under Bun a pure-WASM
 * loop cannot be stopped from outside the thread, but a loop that calls a host function can).
 *
 * The rewrite adds one imported function, `"loom:host" "tick"` of type `[] -> [i32]`, and one
 * mutable i32 global, the fuel. At each function entry and at the head of each loop body it
 * inserts
 *
 *     global.get $fuel  i32.eqz  if  call $tick  global.set $fuel  end
 *     global.get $fuel  i32.const 1  i32.sub  global.set $fuel
 *
 * so the guest calls `tick` once every "fuel" loop iterations or calls; `tick` checks the clock,
 * throws to stop the guest, or answers the next amount of fuel, which must be at least 1 (0 would
 * wrap the counter and silence the checks for 2³² steps). The sequence leaves the operand
 * stack as it found it and opens its own block, so branch depths elsewhere do not change.
 *
 * Adding an import shifts the index of every function the module defines by one, so each
 * function index is rewritten: `call`, `return_call`, `ref.func` (in code, global initialisers
 * and element segments), exports and the start function. The `name` custom section is dropped
 * (its indices would be stale). Instructions are decoded from the core spec plus sign
 * extension, non-trapping conversions, bulk memory, reference types, multi-memory, tail calls,
 * SIMD (and relaxed SIMD), threads and `throw`. A module using anything else is not rewritten:
 * `instrument` answers `undefined` and the caller keeps its other way of stopping the plugin.
 * That includes GC types and instructions, table initialisers, and exception handlers
 * (`try`/`catch`/`try_table`): a guest that can catch could catch what `tick` throws and loop on.
 */

import {
  leb,
  Reader,
  readSections,
  type Section,
  WASM_HEADER,
  WasmFormatError,
  writeModule,
} from "./wasm-bytes.ts";

export const TICK_IMPORT = { module: "loom:host", name: "tick" } as const;

/** Something the rewrite does not handle; `instrument` answers `undefined`. */
class Unsupported extends Error {}

const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  table: 4,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
} as const;

/** Position of each known section in the order the binary format requires. */
const ORDER: Record<number, number> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  13: 6,
  6: 7,
  7: 8,
  8: 9,
  9: 10,
  12: 11,
  10: 12,
  11: 13,
};

function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...leb(bytes.length), ...bytes];
}

interface Context {
  /** Number of imported functions in the original module: defined ones start here. */
  importedFuncs: number;
  tick: number;
  fuel: number;
}

const funcIndex = (ctx: Context, i: number): number => (i >= ctx.importedFuncs ? i + 1 : i);

function site(ctx: Context, out: number[]): void {
  const g = leb(ctx.fuel);
  out.push(0x23, ...g, 0x45, 0x04, 0x40, 0x10, ...leb(ctx.tick), 0x24, ...g, 0x0b);
  out.push(0x23, ...g, 0x41, 0x01, 0x6b, 0x24, ...g);
}

/** Immediates of the 0xFD (SIMD) prefix, by sub-opcode. */
function skipSimd(r: Reader, op: number): void {
  if (op <= 11 || op === 92 || op === 93) r.skipMemArg();
  else if (op === 12 || op === 13) r.skip(16);
  else if (op >= 21 && op <= 34) r.skip(1);
  else if (op >= 84 && op <= 91) {
    r.skipMemArg();
    r.skip(1);
  } else if (op > 0x113) throw new Unsupported(`SIMD instruction 0xfd ${op}`);
}

function skipMisc(r: Reader, op: number): void {
  if (op <= 7) return;
  switch (op) {
    case 8: // memory.init data mem
    case 10: // memory.copy mem mem
    case 12: // table.init elem table
    case 14: // table.copy table table
      r.skipLeb();
      r.skipLeb();
      return;
    case 9: // data.drop
    case 11: // memory.fill
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.skipLeb();
      return;
    default:
      throw new Unsupported(`instruction 0xfc ${op}`);
  }
}

function skipAtomic(r: Reader, op: number): void {
  if (op === 0x03) r.skip(1);
  else if (op <= 0x02 || (op >= 0x10 && op <= 0x4e)) r.skipMemArg();
  else throw new Unsupported(`instruction 0xfe ${op}`);
}

/**
 * Copies instructions from `r` to `out`, rewriting function indices and (when `sites`) adding
 * a fuel check at the head of each loop. Stops at `end` (a function body), or, when `end` is
 * undefined, after the `end` that closes a constant expression.
 */
function rewriteExpr(r: Reader, out: number[], ctx: Context, sites: boolean, end?: number): void {
  let depth = 0;
  while (end === undefined || r.p < end) {
    const start = r.p;
    const op = r.byte();
    switch (op) {
      case 0x10: // call
      case 0x12: // return_call
      case 0xd2: // ref.func
        out.push(op, ...leb(funcIndex(ctx, r.u32())));
        continue;
      case 0x03: // loop
        r.skipBlockType();
        for (let i = start; i < r.p; i++) out.push(r.b[i]!);
        if (sites) site(ctx, out);
        depth++;
        continue;
      case 0x02: // block
      case 0x04: // if
        r.skipBlockType();
        depth++;
        break;
      case 0x06: // try
      case 0x07: // catch
      case 0x18: // delegate
      case 0x19: // catch_all
      case 0x1f: // try_table
        // A guest that can catch could catch the exception `tick` throws to stop it.
        throw new Unsupported("exception handlers");
      case 0x0b: // end
        for (let i = start; i < r.p; i++) out.push(r.b[i]!);
        if (end === undefined && depth === 0) return;
        depth--;
        continue;
      case 0x08: // throw tag
      case 0x09: // rethrow label
      case 0x0c: // br
      case 0x0d: // br_if
      case 0x14: // call_ref
      case 0x15: // return_call_ref
      case 0xd5: // br_on_null
      case 0xd6: // br_on_non_null
      case 0x25: // table.get
      case 0x26: // table.set
      case 0x3f: // memory.size
      case 0x40: // memory.grow
      case 0x41: // i32.const
      case 0x42: // i64.const
      case 0xd0: // ref.null heaptype
        r.skipLeb();
        break;
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24: // local/global get/set/tee
        r.skipLeb();
        break;
      case 0x0e: {
        // br_table
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.skipLeb();
        break;
      }
      case 0x11: // call_indirect type table
      case 0x13: // return_call_indirect
        r.skipLeb();
        r.skipLeb();
        break;
      case 0x1c: {
        // select t*
        const n = r.u32();
        for (let i = 0; i < n; i++) r.skipValType();
        break;
      }
      case 0x43:
        r.skip(4);
        break;
      case 0x44:
        r.skip(8);
        break;
      case 0xfc:
        skipMisc(r, r.u32());
        break;
      case 0xfd:
        skipSimd(r, r.u32());
        break;
      case 0xfe:
        skipAtomic(r, r.u32());
        break;
      default:
        if (op >= 0x28 && op <= 0x3e) r.skipMemArg();
        else if (
          op === 0x00 ||
          op === 0x01 ||
          op === 0x05 ||
          op === 0x0a ||
          op === 0x0f ||
          op === 0x1a ||
          op === 0x1b ||
          (op >= 0x45 && op <= 0xc4) ||
          op === 0xd1 ||
          op === 0xd3 || // ref.eq
          op === 0xd4 // ref.as_non_null
        ) {
          // no immediates
        } else throw new Unsupported(`opcode 0x${op.toString(16)}`);
    }
    for (let i = start; i < r.p; i++) out.push(r.b[i]!);
  }
  if (r.p !== end) throw new Unsupported("instruction runs past the end of its function");
}

const isNameSection = (s: Section): boolean =>
  s.id === SECTION.custom && new TextDecoder().decode(s.body.subarray(1, 1 + (s.body[0] ?? 0))) === "name";

/** Re-emits a vector section: its old entries (copied or rewritten by `each`) plus `extra`. */
function vector(
  body: Uint8Array | undefined,
  each: (r: Reader, out: number[]) => void,
  extra: number[][] = [],
) {
  const out: number[] = [];
  let count = 0;
  if (body) {
    const r = new Reader(body);
    count = r.u32();
    for (let i = 0; i < count; i++) each(r, out);
    if (r.p !== body.length) throw new Unsupported("trailing bytes in a section");
  }
  return { count, bytes: Uint8Array.from([...leb(count + extra.length), ...out, ...extra.flat()]) };
}

/** Copies whatever `skip` reads. */
const copy =
  (skip: (r: Reader) => void) =>
  (r: Reader, out: number[]): void => {
    const start = r.p;
    skip(r);
    for (let i = start; i < r.p; i++) out.push(r.b[i]!);
  };

/** The rewritten module, or `undefined` when it uses something the rewrite does not handle. */
export function instrument(wasm: Uint8Array): Uint8Array | undefined {
  try {
    return rewrite(wasm);
  } catch (e) {
    if (e instanceof Unsupported || e instanceof WasmFormatError) return undefined;
    throw e;
  }
}

function rewrite(wasm: Uint8Array): Uint8Array {
  if (wasm.length < 8 || WASM_HEADER.some((b, i) => wasm[i] !== b))
    throw new WasmFormatError("not a wasm module");
  const sections = readSections(wasm).filter((s) => !isNameSection(s));
  const find = (id: number) => sections.find((s) => s.id === id);

  const types = vector(
    find(SECTION.type)?.body,
    copy((r) => {
      if (r.byte() !== 0x60) throw new Unsupported("GC type definitions");
      for (let k = 0; k < 2; k++) {
        const n = r.u32();
        for (let i = 0; i < n; i++) r.skipValType();
      }
    }),
    [[0x60, 0x00, 0x01, 0x7f]],
  );
  let importedFuncs = 0;
  let importedGlobals = 0;
  const imports = vector(
    find(SECTION.import)?.body,
    copy((r) => {
      r.skipName();
      r.skipName();
      const kind = r.byte();
      if (kind === 0) {
        importedFuncs++;
        r.skipLeb();
      } else if (kind === 1) {
        r.skipValType();
        r.skipLimits();
      } else if (kind === 2) r.skipLimits();
      else if (kind === 3) {
        importedGlobals++;
        r.skipValType();
        r.skip(1);
      } else if (kind === 4) {
        r.skip(1);
        r.skipLeb();
      } else throw new Unsupported(`import kind ${kind}`);
    }),
    [[...name(TICK_IMPORT.module), ...name(TICK_IMPORT.name), 0x00, ...leb(types.count)]],
  );
  const globalsBody = find(SECTION.global)?.body;
  const definedGlobals = globalsBody ? new Reader(globalsBody).u32() : 0;
  const ctx: Context = { importedFuncs, tick: importedFuncs, fuel: importedGlobals + definedGlobals };

  const replaced = new Map<number, Uint8Array>([
    [SECTION.type, types.bytes],
    [SECTION.import, imports.bytes],
    [
      SECTION.global,
      vector(
        globalsBody,
        (r, out) => {
          const start = r.p;
          r.skipValType();
          r.skip(1);
          for (let i = start; i < r.p; i++) out.push(r.b[i]!);
          rewriteExpr(r, out, ctx, false);
        },
        [[0x7f, 0x01, 0x41, 0x00, 0x0b]],
      ).bytes,
    ],
  ]);
  for (const s of sections) {
    switch (s.id) {
      case SECTION.table:
        replaced.set(
          s.id,
          vector(
            s.body,
            copy((r) => {
              if (r.b[r.p] === 0x40) throw new Unsupported("table initialiser");
              r.skipValType();
              r.skipLimits();
            }),
          ).bytes,
        );
        break;
      case SECTION.export:
        replaced.set(
          s.id,
          vector(s.body, (r, out) => {
            const start = r.p;
            r.skipName();
            const kind = r.byte();
            for (let i = start; i < r.p; i++) out.push(r.b[i]!);
            const index = r.u32();
            leb(kind === 0 ? funcIndex(ctx, index) : index, out);
          }).bytes,
        );
        break;
      case SECTION.start:
        replaced.set(s.id, Uint8Array.from(leb(funcIndex(ctx, new Reader(s.body).u32()))));
        break;
      case SECTION.element:
        replaced.set(s.id, vector(s.body, (r, out) => rewriteElement(r, out, ctx)).bytes);
        break;
      case SECTION.code:
        replaced.set(
          s.id,
          vector(s.body, (r, out) => {
            const size = r.u32();
            const end = r.p + size;
            const body: number[] = [];
            const locals = r.u32();
            leb(locals, body);
            for (let i = 0; i < locals; i++) {
              const start = r.p;
              r.skipLeb();
              r.skipValType();
              for (let k = start; k < r.p; k++) body.push(r.b[k]!);
            }
            site(ctx, body);
            rewriteExpr(r, body, ctx, true, end);
            leb(body.length, out);
            for (const b of body) out.push(b);
          }).bytes,
        );
        break;
    }
  }

  // Sections the module lacked (type, import, global) go before the first later known section.
  const present = new Set(sections.map((s) => s.id));
  for (const id of [SECTION.type, SECTION.import, SECTION.global]) {
    if (present.has(id)) continue;
    const rank = ORDER[id]!;
    const at = sections.findIndex((s) => s.id !== SECTION.custom && (ORDER[s.id] ?? 0) > rank);
    sections.splice(at === -1 ? sections.length : at, 0, { id, body: new Uint8Array() });
  }

  return writeModule(
    wasm.subarray(0, 8),
    sections.map((s) => ({ id: s.id, body: replaced.get(s.id) ?? s.body })),
  );
}

function rewriteElement(r: Reader, out: number[], ctx: Context): void {
  const flags = r.u32();
  if (flags > 7) throw new Unsupported(`element segment flags ${flags}`);
  leb(flags, out);
  const copyFrom = (start: number) => {
    for (let i = start; i < r.p; i++) out.push(r.b[i]!);
  };
  const active = (flags & 1) === 0;
  const explicitTable = (flags & 2) !== 0;
  const exprs = (flags & 4) !== 0;
  if (active && explicitTable) {
    const start = r.p;
    r.skipLeb();
    copyFrom(start);
  }
  if (active) rewriteExpr(r, out, ctx, false);
  if (!active || explicitTable) {
    // elemkind (one byte) or a reference type
    const start = r.p;
    if (exprs) r.skipValType();
    else r.skip(1);
    copyFrom(start);
  }
  const n = r.u32();
  leb(n, out);
  for (let i = 0; i < n; i++) {
    if (exprs) rewriteExpr(r, out, ctx, false);
    else leb(funcIndex(ctx, r.u32()), out);
  }
}
