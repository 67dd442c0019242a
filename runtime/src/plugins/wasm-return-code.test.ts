import { expect, test } from "bun:test";
import { wat } from "./_wasm-test-kit.ts";
import { GUEST_MODULE, RETURNED_IMPORT, returnCodeShim } from "./wasm-return-code.ts";

const GUEST = wat(`(module
  (import "env" "f" (func (param i32)))
  (memory (export "memory") 1 4)
  (global (export "g") i32 (i32.const 1))
  (func (export "ok") (result i32) (i32.const 0))
  (func (export "seven") (result i32) (i32.const 7))
  (func (export "nothing") (i32.store (i32.const 0) (i32.const 9)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`);

async function linked(guestBytes: Uint8Array) {
  const shim = returnCodeShim(guestBytes);
  if (!shim) throw new Error("no shim");
  const guest = await WebAssembly.instantiate(new WebAssembly.Module(guestBytes as Uint8Array<ArrayBuffer>), {
    env: { f: () => {} },
  });
  const reported: number[] = [];
  const main = await WebAssembly.instantiate(new WebAssembly.Module(shim as Uint8Array<ArrayBuffer>), {
    [RETURNED_IMPORT.module]: { [RETURNED_IMPORT.name]: (code: number) => reported.push(code) },
    [GUEST_MODULE]: guest.exports,
  });
  return { exports: main.exports as Record<string, unknown>, reported };
}

test("the shim reports non-zero return codes and passes results and void exports through", async () => {
  const { exports, reported } = await linked(GUEST);
  expect((exports.ok as () => number)()).toBe(0);
  expect(reported).toEqual([]);
  expect((exports.seven as () => number)()).toBe(7);
  expect(reported).toEqual([7]);
  (exports.nothing as () => void)();
  expect(new Uint8Array((exports.memory as WebAssembly.Memory).buffer)[0]).toBe(9);
  expect(Object.keys(exports).sort()).toEqual(["memory", "nothing", "ok", "seven"]);
});

test("no shim for a module that exports _start or one it cannot read", () => {
  expect(
    returnCodeShim(wat(`(module (func (export "_start")) (func (export "run") (result i32) (i32.const 0)))`)),
  ).toBe(undefined);
  expect(returnCodeShim(GUEST.subarray(0, 20))).toBe(undefined);
});
