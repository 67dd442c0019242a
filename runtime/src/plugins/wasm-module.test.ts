import { describe, expect, test } from "bun:test";
import { capMemory, WASM_PAGE } from "./wasm-module.ts";

/** A module with one memory (min, optional max) exporting `grow(n) -> old size or -1`. */
function moduleWithMemory(min: number, max?: number): Uint8Array {
  const limits = max === undefined ? [0x00, min] : [0x01, min, max];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x06,
    0x01,
    0x60,
    0x01,
    0x7f,
    0x01,
    0x7f, // type: (i32) -> i32
    0x03,
    0x02,
    0x01,
    0x00, // func 0 has type 0
    0x05,
    limits.length + 1,
    0x01,
    ...limits, // memory
    0x07,
    0x08,
    0x01,
    0x04,
    0x67,
    0x72,
    0x6f,
    0x77,
    0x00,
    0x00, // export "grow"
    0x0a,
    0x08,
    0x01,
    0x06,
    0x00,
    0x20,
    0x00,
    0x40,
    0x00,
    0x0b, // memory.grow(local 0)
  ]);
}

function grow(wasm: Uint8Array, pages: number): number {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
  return (inst.exports["grow"] as (n: number) => number)(pages);
}

describe("capMemory", () => {
  test("the original module grows freely; the capped one stops at the cap", () => {
    const wasm = moduleWithMemory(1);
    expect(grow(wasm, 20)).toBe(1);
    const capped = capMemory(wasm, 8);
    expect(grow(capped, 7)).toBe(1);
    expect(grow(capped, 8)).toBe(-1);
  });

  test("keeps a smaller declared maximum and lowers a larger one", () => {
    expect(grow(capMemory(moduleWithMemory(1, 4), 8), 4)).toBe(-1);
    expect(grow(capMemory(moduleWithMemory(1, 100), 8), 8)).toBe(-1);
    expect(grow(capMemory(moduleWithMemory(1, 100), 8), 7)).toBe(1);
  });

  test("refuses a module that starts above the cap, and non-wasm bytes", () => {
    expect(() => capMemory(moduleWithMemory(10), 8)).toThrow(/needs 10 memory pages/);
    expect(() => capMemory(new TextEncoder().encode("not wasm"), 8)).toThrow(/not a wasm module/);
  });

  test("a page is 64 KiB", () => {
    expect(WASM_PAGE).toBe(65536);
  });
});
