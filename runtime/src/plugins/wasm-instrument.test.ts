import { describe, expect, test } from "bun:test";
import {
  binary,
  code,
  customSection,
  Exception,
  envImports,
  I32,
  INDICES,
  instantiate,
  rewritten,
  same,
  section,
  str,
  ticker,
  vec,
  type WasmException,
  wat,
} from "./_wasm-test-kit.ts";
import { instrument, TICK_IMPORT } from "./wasm-instrument.ts";

describe("instrument keeps behaviour", () => {
  test("function indices shift everywhere: calls, exports, start, element segments, globals, ref.func", async () => {
    const { log, instrumented, ticks } = await same(
      INDICES,
      [
        ["started", [], 42],
        ["direct", [5], 20],
        ["double", [7], 14],
        ["reexported", [1], 11],
        ["t", [5, 0], 10], // active segment, funcidx vector, table 0
        ["t", [5, 1], 15],
        ["t2", [5, 0], -5], // active expressions, explicit table
        ["t2", [5, 1], 25], // active funcidx, explicit table
        ["t2", [5, 2], 15], // an imported function in a table
        ["viaGlobal", [4], 12],
        ["viaRefFunc", [4], -4],
        ["initExprs", [], undefined], // passive expressions
        ["t", [6, 0], 12],
        ["isNull", [1], 1],
        ["t", [6, 2], 36],
        ["initFuncs", [], undefined], // passive funcidx vector
        ["t2", [6, 1], 18],
        ["t2", [6, 2], -6],
        ["initExprs", [], { threw: "RuntimeError: Out of bounds table access" }],
      ],
      2,
      envImports,
    );
    expect(log).toEqual([99, 5]);
    expect(ticks).toBeGreaterThan(5);
    const fref = (instrumented.fref as unknown as WebAssembly.Global).value as (x: number) => number;
    expect(fref(5)).toBe(15);
    const table = instrumented.table as unknown as WebAssembly.Table;
    expect((table.get(2) as (x: number) => number)(3)).toBe(9); // $square, put there by initExprs
  });

  test("more than 127 functions: indices whose LEB128 grows a byte", async () => {
    const n = 200;
    const funcs = Array.from({ length: n }, (_, i) => `(func $f${i} (result i32) (i32.const ${i * 3}))`).join(
      "\n",
    );
    const elems = Array.from({ length: n }, (_, i) => `$f${i}`).join(" ");
    const bytes = wat(`(module
      (import "env" "one" (func $one (result i32)))
      (type $r (func (result i32)))
      (table ${n} funcref) (elem (i32.const 0) ${elems})
      ${funcs}
      (func (export "direct") (result i32) (i32.add (call $f126) (i32.add (call $f127) (call $f199))))
      (func (export "indirect") (param i32) (result i32) (call_indirect (type $r) (local.get 0)))
      (func (export "imported") (result i32) (call $one))
      (export "f126" (func $f126)) (export "f127" (func $f127)) (export "f128" (func $f128)))`);
    await same(
      bytes,
      [
        ["direct", [], 126 * 3 + 127 * 3 + 199 * 3],
        ["indirect", [127], 381],
        ["indirect", [199], 597],
        ["imported", [], 1],
        ["f126", [], 378],
        ["f127", [], 381],
        ["f128", [], 384],
      ],
      3,
      () => ({ env: { one: () => 1 } }),
    );
  });

  test("loops, loops with block parameters and results, br_table and branches out of loops", async () => {
    const bytes = wat(`(module
      (func (export "sumTo") (param $n i32) (result i32) (local $acc i32)
        (block $done
          (loop $l
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $acc (i32.add (local.get $acc) (local.get $n)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $l)))
        (local.get $acc))
      (func (export "fib") (param $n i32) (result i32) (local $a i32) (local $b i32)
        (i32.const 0) (i32.const 1)
        (loop $l (param i32 i32) (result i32 i32)
          (local.set $b) (local.set $a)
          (local.get $b) (i32.add (local.get $a) (local.get $b))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (drop))
      (func (export "keepsStack") (param $n i32) (result i32)
        ;; values below the loop survive every fuel check at its head
        (i32.const 1000) (i32.const 200)
        (loop $l (param i32) (result i32)
          (i32.add (i32.const 1))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (i32.add) (i32.const 3) (i32.mul))
      (func (export "mod3") (param $x i32) (result i32)
        (block $r2 (block $r1 (block $r0
          (loop $l
            (if (i32.ge_u (local.get $x) (i32.const 3))
              (then (local.set $x (i32.sub (local.get $x) (i32.const 3))) (br $l)))
            (br_table $r0 $r1 $r2 (local.get $x))))
          (return (i32.const 100)))
          (return (i32.const 101)))
        (i32.const 102))
      (func (export "pairs") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $c i32)
        (block $out
          (loop $outer
            (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $j (i32.const 0))
            (loop $inner
              (if (i32.ge_u (local.get $j) (local.get $i))
                (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $outer)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $inner))))
        (local.get $c))
      (func $fact (export "fact") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
          (else (i64.mul (local.get 0) (call $fact (i64.sub (local.get 0) (i64.const 1))))))))`);
    const { ticks } = await same(bytes, [
      ["sumTo", [100], 5050],
      ["sumTo", [0], 0],
      ["fib", [1], 1],
      ["fib", [10], 55],
      ["keepsStack", [50], (1000 + 250) * 3],
      ["mod3", [9], 100],
      ["mod3", [10], 101],
      ["mod3", [11], 102],
      ["pairs", [10], 45],
      ["fact", [20n], 2432902008176640000n],
    ]);
    expect(ticks).toBeGreaterThan(50);
  });

  test("constants whose bytes look like call and ref.func opcodes, multi-byte LEB128s", async () => {
    // f64 bytes 10 01 d2 02 0b 03 10 40 and f32 bytes 10 00 d2 3f: call 1, ref.func 2, end, ...
    const f64 = new DataView(
      Uint8Array.from([0x10, 0x01, 0xd2, 0x02, 0x0b, 0x03, 0x10, 0x40]).buffer,
    ).getFloat64(0, true);
    const f32 = new DataView(Uint8Array.from([0x10, 0x00, 0xd2, 0x3f]).buffer).getFloat32(0, true);
    const bytes = wat(`(module
      (import "env" "seven" (func $seven (result i32)))
      (func $eight (result i32) (i32.const 8))
      (func (export "i64") (result i64)
        (i64.add (i64.const 0x7fffffffffffffff) (i64.extend_i32_u (call $eight))))
      (func (export "i64min") (result i64) (i64.sub (i64.const -0x8000000000000000) (i64.const 0x1000000010)))
      (func (export "i32") (result i32) (i32.add (i32.const -2147483648) (i32.const 0x10d2100b)))
      (func (export "f64") (result f64) (f64.add (f64.const ${f64.toPrecision(17)}) (f64.convert_i32_s (call $eight))))
      (func (export "f32") (result f32) (f32.add (f32.const ${f32.toPrecision(9)}) (f32.convert_i32_s (call $seven))))
      (func (export "convert") (result i32)
        (i32.add (i32.trunc_sat_f32_s (f32.const 1e20)) (i32.extend8_s (i32.const 0xff)))))`);
    const hex = Buffer.from(bytes).toString("hex");
    expect(hex).toContain("441001d2020b031040"); // the constants are in the binary
    expect(hex).toContain("431000d23f");
    await same(
      bytes,
      [
        ["i64", [], BigInt.asIntN(64, 0x7fffffffffffffffn + 8n)],
        ["i64min", [], BigInt.asIntN(64, -0x8000000000000000n - 0x1000000010n)],
        ["i32", [], (-2147483648 + 0x10d2100b) | 0],
        ["f64", [], f64 + 8],
        ["f32", [], Math.fround(f32 + 7)],
        ["convert", [], 2147483647 - 1],
      ],
      3,
      () => ({ env: { seven: () => 7 } }),
    );
  });

  test("SIMD: v128.const, lane operations, shuffles, loads and stores with memargs, relaxed SIMD", async () => {
    const bytes = wat(`(module
      (memory 1)
      (func $k (result i32) (i32.const 5))
      (func (export "simd") (result i32) (local $i i32)
        (v128.store offset=16 align=8 (i32.const 0)
          (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i8x16 0x10 1 0 0 0xd2 2 0 0 0x0b 3 0 0 0x10 4 0 0)))
        (loop $l
          (v128.store offset=32 (i32.const 0)
            (i8x16.add (v128.load offset=32 (i32.const 0)) (v128.load8_splat offset=16 (i32.const 0))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (call $k))))
        (v128.store32_lane offset=4 3 (i32.const 64) (v128.load offset=16 (i32.const 0)))
        (i32.add
          (i32.add (i32x4.extract_lane 2 (v128.load offset=16 align=4 (i32.const 0))) (i32.load offset=68 (i32.const 0)))
          (i32.add
            (i8x16.extract_lane_u 0 (i8x16.shuffle 4 0 1 2 3 5 6 7 8 9 10 11 12 13 14 15 (v128.load offset=32 (i32.const 0)) (v128.const i64x2 0 0)))
            (i32.add
              (i32x4.extract_lane 0
                (i32x4.relaxed_laneselect (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8) (v128.const i32x4 -1 0 0 0)))
              ;; a constant ending in the byte of call, followed by a call
              (i32x4.extract_lane 3
                (i32x4.replace_lane 0 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0x10 0 0 0x10) (call $k))))))))`);
    const lane2 = 3 + 0x30b;
    const lane3 = 4 + 0x410;
    const splat = (0x11 * 5) & 0xff;
    await same(bytes, [["simd", [], lane2 + lane3 + splat + 1 + 0x10000010]]);
  });

  test("bulk memory, multi-memory and atomics", async () => {
    const bytes = wat(`(module
      (memory $m 1)
      (memory $b 1)
      (memory $s 1 1 shared)
      (data $d "hello")
      (func (export "bulk") (result i32)
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 5))
        (data.drop $d)
        (memory.copy (i32.const 10) (i32.const 0) (i32.const 5))
        (memory.fill (i32.const 20) (i32.const 7) (i32.const 3))
        (i32.add (i32.load8_u (i32.const 14)) (i32.load8_u (i32.const 22))))
      (func (export "second") (result i32)
        (i32.store8 $b (i32.const 4) (i32.const 42))
        (memory.copy $b $m (i32.const 8) (i32.const 10) (i32.const 2))
        (i32.add (i32.load8_u $b (i32.const 4)) (i32.load8_u $b offset=1 (i32.const 8))))
      (func (export "atomic") (result i64)
        (drop (i32.atomic.rmw.add $s (i32.const 0) (i32.const 3)))
        (atomic.fence)
        (drop (memory.atomic.notify $s (i32.const 0) (i32.const 1)))
        (drop (i64.atomic.rmw.cmpxchg $s offset=8 (i32.const 0) (i64.const 0) (i64.const 0x100000000)))
        (i64.add (i64.extend_i32_u (i32.atomic.load $s (i32.const 0))) (i64.atomic.load $s offset=8 (i32.const 0)))))`);
    await same(bytes, [
      ["bulk", [], 111 + 7],
      ["second", [], 42 + 101],
      ["atomic", [], 3n + 0x100000000n],
      ["bulk", [], { threw: "RuntimeError: Out of bounds memory access" }],
    ]);
  });

  test("tail calls stay tail calls: a million return_calls do not grow the stack", async () => {
    const bytes = wat(`(module
      (type $c (func (param i32 i32) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $count)
      (func $count (type $c)
        (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
          (else (return_call $viaTable (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2))))))
      (func $viaTable (type $c)
        (return_call_indirect (type $c) (local.get 0) (local.get 1) (i32.const 0)))
      (func (export "count") (param i32) (result i32) (call $count (local.get 0) (i32.const 0))))`);
    const { ticks } = await same(bytes, [["count", [1_000_000], 2_000_000]], 1 << 16);
    expect(ticks).toBeGreaterThan(2_000_000 / (1 << 16));
  });

  test("throw reaches JS as the same WebAssembly.Exception", async () => {
    const bytes = wat(`(module
      (tag $e (export "e") (param i32))
      (func (export "boom") (param i32) (loop $l (br_if $l (i32.eqz (local.get 0)))) (throw $e (i32.const 77))))`);
    const exports = await instantiate(rewritten(bytes), { "loom:host": { tick: () => 5 } });
    let caught: unknown;
    try {
      exports.boom!(1);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Exception);
    expect((caught as WasmException).is(exports.e)).toBe(true);
    expect((caught as WasmException).getArg(exports.e, 0)).toBe(77);
  });

  // types: 0 = [] -> [i32]; import env.g: 0; $a (1) = 42, $b (2) = 5, f (3); elem declare $a.
  const typedRefs = (body: number[]) =>
    binary(
      section(1, vec([[0x60, 0, 1, I32]])),
      section(2, vec([[...str("env"), ...str("g"), 0, 0]])),
      section(3, vec([[0], [0], [0]])),
      section(7, vec([[...str("f"), 0, 3]])),
      section(9, vec([[3, 0, ...vec([[1]])]])),
      section(10, vec([code([0x41, 42]), code([0x41, 5]), code(body, [[1, I32]])])),
    );
  const typedEnv = () => ({ env: { g: () => 7 } });

  test("typed function references: ref.as_non_null (0xd4, no immediate) then call_ref", async () => {
    // (ref.func $a) ref.as_non_null (call $b) local.set 0 (call_ref 0) local.get 0 i32.add  -> 42 + 5
    const bytes = typedRefs([0xd2, 1, 0xd4, 0x10, 2, 0x21, 0, 0x14, 0, 0x20, 0, 0x6a]);
    await same(bytes, [["f", [], 47]], 3, typedEnv);
  });

  test("typed function references: br_on_null (0xd5, a label) then call_ref", async () => {
    // block block block (ref.func $a) (br_on_null 2) (call $b) local.set 0 (call_ref 0) local.get 0
    // i32.add return end end end (i32.const -1)
    const body = [
      0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0xd2, 1, 0xd5, 2, 0x10, 2, 0x21, 0, 0x14, 0, 0x20, 0, 0x6a,
    ];
    await same(typedRefs([...body, 0x0f, 0x0b, 0x0b, 0x0b, 0x41, 0x7f]), [["f", [], 47]], 3, typedEnv);
  });
});

describe("instrument makes loops and calls interruptible", () => {
  const SPIN = wat(`(module
    (import "env" "log" (func $log (param i32)))
    (func (export "spin") (loop br 0))
    (func $recurse (export "recurse") (param i32) (call $recurse (i32.add (local.get 0) (i32.const 1))))
    (func $tail (export "tail") (return_call $tail))
    (func (export "loop") (param $n i32)
      (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (func (export "logFirst") (call $log (i32.const 1))))`);

  async function spin(t: ReturnType<typeof ticker>, log: unknown[] = []) {
    return instantiate(rewritten(SPIN), {
      env: { log: (x: number) => log.push(x) },
      "loom:host": { tick: t.tick },
    });
  }

  for (const [name, fuel] of [
    ["spin", 7],
    ["recurse", 1],
    ["tail", 1000],
  ] as const) {
    test(`${name}: the error tick throws stops the guest`, async () => {
      const t = ticker(fuel, 20);
      const exports = await spin(t);
      expect(() => exports[name]!(0)).toThrow(t.stop);
      expect(t.calls).toBe(21);
    });
  }

  test("tick runs before a function's first instruction", async () => {
    const log: unknown[] = [];
    const t = ticker(1, 0);
    const exports = await spin(t, log);
    expect(() => exports.logFirst!()).toThrow(t.stop);
    expect(log).toEqual([]);
  });

  test("a loop of K iterations in a fresh instance calls tick exactly ceil((K + 1) / fuel) times", async () => {
    for (const [k, fuel] of [
      [1, 1],
      [1000, 1],
      [1000, 7],
      [999, 1000],
      [1000, 1000],
      [100_000, 64],
    ] as const) {
      const t = ticker(fuel);
      const exports = await spin(t);
      exports.loop!(k);
      expect({ k, fuel, ticks: t.calls }).toEqual({ k, fuel, ticks: Math.ceil((k + 1) / fuel) });
    }
  });

  test("fuel carries across calls, and a stopped instance asks tick again at its next check", async () => {
    let stop = false;
    let calls = 0;
    const exports = await instantiate(rewritten(SPIN), {
      env: { log: () => {} },
      "loom:host": {
        tick: () => {
          calls++;
          if (stop) throw new Error("stopped");
          return 10;
        },
      },
    });
    exports.loop!(4); // 5 checks: one tick, 5 fuel left
    exports.loop!(4); // 5 more: no tick
    expect(calls).toBe(1);
    exports.loop!(1); // 2 checks: the first finds 0 fuel
    expect(calls).toBe(2);
    stop = true;
    expect(() => exports.spin!()).toThrow("stopped");
    const before = calls;
    expect(() => exports.loop!(1)).toThrow("stopped");
    expect(calls).toBe(before + 1);
  });

  test("a start function that never returns fails instantiation with tick's error", async () => {
    const t = ticker(100, 3);
    const bytes = rewritten(wat(`(module (func $s (loop br 0)) (start $s))`));
    await expect(instantiate(bytes, { "loom:host": { tick: t.tick } })).rejects.toBe(t.stop);
    expect(t.calls).toBe(4);
  });
});

describe("instrument adds the import, the fuel global and any missing sections", () => {
  const tickImport = { module: TICK_IMPORT.module, name: TICK_IMPORT.name, kind: "function" as const };

  test("a module with no import or global section", async () => {
    const bytes = wat(`(module (func (export "f") (result i32) i32.const 7))`);
    const { ticks, instrumented } = await same(bytes, [["f", [], 7]], 1);
    expect(ticks).toBe(1);
    expect(Object.keys(instrumented)).toEqual(["f"]);
    expect(
      WebAssembly.Module.imports(new WebAssembly.Module(rewritten(bytes) as Uint8Array<ArrayBuffer>)),
    ).toEqual([tickImport]);
  });

  test("a module with no type section, an empty module, and one that opens with a custom section", async () => {
    const memoryOnly = wat(`(module (memory (export "m") 1) (data (i32.const 0) "x"))`);
    const empty = wat(`(module)`);
    const headed = binary(customSection("first", [1, 2, 3]), [...memoryOnly.subarray(8)]);
    for (const bytes of [memoryOnly, empty, headed]) {
      const out = rewritten(bytes);
      const module = new WebAssembly.Module(out as Uint8Array<ArrayBuffer>);
      expect(WebAssembly.Module.imports(module)).toEqual([tickImport]);
    }
    const module = new WebAssembly.Module(rewritten(headed) as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.exports(module)).toEqual([{ name: "m", kind: "memory" }]);
    expect([...new Uint8Array(WebAssembly.Module.customSections(module, "first")[0]!)]).toEqual([1, 2, 3]);
  });

  test("the fuel global comes after imported and defined globals, which keep their indices", async () => {
    const bytes = wat(`(module
      (import "env" "g" (global $g i32))
      (import "env" "f" (func $f (result i32)))
      (global $h (mut i32) (i32.const 5))
      (global $k (export "k") i32 (i32.add (global.get $g) (i32.const 1)))
      (func (export "bump") (result i32)
        (global.set $h (i32.add (global.get $h) (call $f)))
        (i32.add (global.get $h) (global.get $g))))`);
    const { instrumented } = await same(
      bytes,
      [
        ["bump", [], 5 + 2 + 100],
        ["bump", [], 5 + 4 + 100],
      ],
      1,
      () => ({ env: { g: 100, f: () => 2 } }),
    );
    expect((instrumented.k as unknown as WebAssembly.Global).value).toBe(101);
  });
});

describe("instrument and custom sections", () => {
  test("drops the name section and keeps other custom sections byte for byte", () => {
    const named = wat(
      `(module (func $hello (export "f") (result i32) (call $world)) (func $world (result i32) i32.const 1))`,
      true,
    );
    const bytes = Uint8Array.from([...named, ...customSection("loom.meta", [9, 8, 7, 0x10, 0x00])]);
    const original = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.customSections(original, "name")).toHaveLength(1);
    const module = new WebAssembly.Module(rewritten(bytes) as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.customSections(module, "name")).toHaveLength(0);
    const kept = WebAssembly.Module.customSections(module, "loom.meta");
    expect(kept.map((b) => [...new Uint8Array(b)])).toEqual([[9, 8, 7, 0x10, 0x00]]);
  });

  test("does not modify its input", () => {
    const bytes = wat(`(module (import "env" "f" (func)) (func (export "g") (call 0) (call 1)))`);
    const copy = bytes.slice();
    rewritten(bytes);
    expect(bytes).toEqual(copy);
  });
});

describe("instrument refuses what it does not handle", () => {
  test("GC types and GC instructions", () => {
    expect(
      instrument(wat(`(module (type $s (struct (field i32))) (func (export "f") (result i32) i32.const 1))`)),
    ).toBe(undefined);
    // (i32.const 5) ref.i31 i31.get_s: valid for JSC, no GC type needed
    const i31 = binary(
      section(1, vec([[0x60, 0, 1, I32]])),
      section(3, vec([[0]])),
      section(7, vec([[...str("f"), 0, 0]])),
      section(10, vec([code([0x41, 5, 0xfb, 0x1c, 0xfb, 0x1d])])),
    );
    expect(WebAssembly.validate(i31)).toBe(true);
    expect(instrument(i31)).toBe(undefined);
  });

  test("a table with an initialiser expression", () => {
    const bytes = binary(
      section(1, vec([[0x60, 0, 1, I32]])),
      section(3, vec([[0]])),
      section(4, vec([[0x40, 0x00, 0x70, 0x00, 0x01, 0xd0, 0x70, 0x0b]])),
      section(10, vec([code([0x41, 5])])),
    );
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(instrument(bytes)).toBe(undefined);
  });

  test("exception handlers, which could catch what tick throws", () => {
    const handlers = [
      `(tag $e (param i32)) (func (result i32) (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 5))) (i32.const 0)))`,
      `(func (block $h (try_table (catch_all $h) (loop br 0))))`,
      `(tag $e (param i32)) (func (result i32) (try (result i32) (do (throw $e (i32.const 5))) (catch $e)))`,
      `(func (try (do (loop br 0)) (catch_all)))`,
    ];
    for (const h of handlers) {
      const bytes = wat(`(module ${h})`);
      expect(WebAssembly.validate(bytes)).toBe(true);
      expect(instrument(bytes)).toBe(undefined);
    }
  });

  test("bytes that are not WebAssembly (no magic and version 1 header) are answered undefined", () => {
    for (const bytes of [
      new Uint8Array(),
      Uint8Array.from([1, 2, 3]),
      Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]),
      new TextEncoder().encode("hello, not wasm at all"),
    ]) {
      expect(instrument(bytes)).toBe(undefined);
    }
  });
});

describe("the committed plugin modules", () => {
  for (const path of [
    "plugins/edit/edit.wasm",
    "tests/plugins/hostile/hostile.wasm",
    "tests/plugins/hostile/bogus.wasm",
  ]) {
    test(path, async () => {
      const bytes = new Uint8Array(
        await Bun.file(new URL(`../../../${path}`, import.meta.url)).arrayBuffer(),
      );
      const original = new WebAssembly.Module(bytes);
      const module = new WebAssembly.Module(rewritten(bytes) as Uint8Array<ArrayBuffer>);
      expect(WebAssembly.Module.exports(module)).toEqual(WebAssembly.Module.exports(original));
      expect(WebAssembly.Module.imports(module)).toEqual([
        ...WebAssembly.Module.imports(original),
        { module: TICK_IMPORT.module, name: TICK_IMPORT.name, kind: "function" as const },
      ]);
    });
  }
});
