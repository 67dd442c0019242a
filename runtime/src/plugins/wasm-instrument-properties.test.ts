/**
 * Property tests of the WASM instrumenter: inputs cut short or corrupted never make it throw,
 * and generated programs behave the same at any fuel. (Binaryen-generated modules:
 * tests/plugins/instrument-fuzz.test.ts.)
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { INDICES, rewritten, wat } from "./_wasm-test-kit.ts";
import { instrument, TICK_IMPORT } from "./wasm-instrument.ts";

describe("instrument on damaged input", () => {
  test("a module cut short: never throws, and a valid rewrite only of a valid prefix", () => {
    for (let n = 0; n <= INDICES.length; n++) {
      const prefix = INDICES.subarray(0, n);
      const out = instrument(prefix);
      if (WebAssembly.validate(prefix)) expect(out && WebAssembly.validate(out)).toBe(true);
      else expect(out === undefined || !WebAssembly.validate(out)).toBe(true);
    }
  });

  test("random corruption: never throws, and a valid input's rewrite is valid", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(INDICES.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const bytes = INDICES.slice();
          for (const [at, value] of edits) bytes[at] = value;
          const out = instrument(bytes);
          if (out && WebAssembly.validate(bytes)) expect(WebAssembly.validate(out)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("instrument on generated programs", () => {
  const OPS = ["i32.add", "i32.sub", "i32.mul", "i32.xor", "i32.and", "i32.or", "i32.shl", "i32.rotl"];
  const memo = new Map<string, fc.Arbitrary<string>>();

  /** An i32 expression over $a and $b, up to `depth` deep, whose loops use locals from `level` on. */
  function expr(depth: number, level: number): fc.Arbitrary<string> {
    const key = `${depth}:${level}`;
    const known = memo.get(key);
    if (known) return known;
    const leaf = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => `(i32.const ${n})`),
      fc.constantFrom("(local.get $a)", "(local.get $b)"),
    );
    if (depth === 0) return leaf;
    const sub = expr(depth - 1, level);
    const choices = [
      leaf,
      fc.tuple(fc.constantFrom(...OPS), sub, sub).map(([op, x, y]) => `(${op} ${x} ${y})`),
      fc.tuple(fc.constantFrom("$h0", "$h1", "$mix"), sub, sub).map(([f, x, y]) => `(call ${f} ${x} ${y})`),
      fc.tuple(sub, sub, sub).map(([c, x, y]) => `(if (result i32) ${c} (then ${x}) (else ${y}))`),
      fc.tuple(sub, sub, sub).map(([v, c, e]) => `(block (result i32) (drop (br_if 0 ${v} ${c})) ${e})`),
      fc.tuple(sub, sub).map(([x, y]) => `(i32.sub (block (result i32 i32) ${x} ${y}))`),
    ];
    if (level < 2) {
      const body = expr(depth - 1, level + 1);
      choices.push(
        fc.tuple(fc.integer({ min: 1, max: 4 }), sub, body).map(
          ([n, init, b]) => `(block (result i32)
            (local.set $acc${level} ${init})
            (local.set $i${level} (i32.const ${n}))
            (loop $l${level}
              (local.set $acc${level} (i32.add (i32.mul (local.get $acc${level}) (i32.const 31)) ${b}))
              (br_if $l${level} (local.tee $i${level} (i32.sub (local.get $i${level}) (i32.const 1)))))
            (local.get $acc${level}))`,
        ),
      );
    }
    const arb = fc.oneof(...choices);
    memo.set(key, arb);
    return arb;
  }

  const program = (body: string) =>
    wat(`(module
      (import "env" "mix" (func $mix (param i32 i32) (result i32)))
      (func $h0 (param i32 i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const 31)) (local.get 1)))
      (func $h1 (param i32 i32) (result i32) (local $k i32)
        (local.set $k (i32.and (local.get 1) (i32.const 7)))
        (block $d (loop $l
          (br_if $d (i32.eqz (local.get $k)))
          (local.set 0 (call $h0 (local.get 0) (local.get $k)))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $l)))
        (local.get 0))
      (func (export "run") (param $a i32) (param $b i32) (result i32)
        (local $i0 i32) (local $acc0 i32) (local $i1 i32) (local $acc1 i32)
        ${body}))`);

  function run(bytes: Uint8Array, args: [number, number][], tick?: () => number) {
    const log: number[][] = [];
    const imports: WebAssembly.Imports = {
      env: {
        mix: (x: number, y: number) => {
          log.push([x, y]);
          return (Math.imul(x, 7) ^ y) | 0;
        },
      },
    };
    if (tick) imports[TICK_IMPORT.module] = { [TICK_IMPORT.name]: tick };
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
      imports,
    );
    const f = instance.exports.run as (a: number, b: number) => number;
    return { results: args.map(([a, b]) => f(a, b)), log };
  }

  test("results and host calls are preserved whatever the fuel", () => {
    const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(
        expr(4, 0),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(int, int), { minLength: 1, maxLength: 3 }),
        (body, fuel, args) => {
          const bytes = program(body);
          let ticks = 0;
          const instrumented = run(rewritten(bytes), args, () => {
            ticks++;
            return fuel;
          });
          expect(instrumented).toEqual(run(bytes, args));
          expect(ticks).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
