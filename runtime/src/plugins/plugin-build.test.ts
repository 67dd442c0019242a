/**
 * `loom plugin build` with a manifest `build` command (any language): the command runs in the
 * plugin folder, its product's sha256 lands in the manifest, and failures are one clear error.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "./as-build.ts";
import { buildPlugin } from "./plugin-build.ts";

/** The smallest valid module: `(module (func (export "run") (result i32) i32.const 0))`. */
const WASM = Uint8Array.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 114, 117, 110, 0, 0, 10, 6, 1,
  4, 0, 65, 0, 11,
]);

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "loom-plugin-build-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function plugin(name: string, build: string): string {
  const dir = join(root, name);
  const manifest = {
    name,
    version: "0.1.0",
    description: "x",
    kind: "tool",
    runtime: "wasm",
    entry: "out/plugin.wasm",
    sha256: "0".repeat(64),
    build,
    tools: [{ name: "run", description: "r", inputSchema: { type: "object" } }],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "prebuilt.wasm"), WASM);
  writeFileSync(join(dir, "loom-plugin.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

test("runs the build command in the folder and writes the product's sha256 into the manifest", async () => {
  const dir = plugin(
    "copies",
    'mkdir -p out && cp prebuilt.wasm out/plugin.wasm && test -f "$LOOM_C_SDK/loom.h"',
  );
  const built = await buildPlugin(dir);
  expect(built.sha256).toBe(sha256Hex(WASM));
  expect(JSON.parse(readFileSync(join(dir, "loom-plugin.json"), "utf8")).sha256).toBe(sha256Hex(WASM));
  expect(built.manifest.sha256).toBe(sha256Hex(WASM));
});

test("a failing command is PLUGIN_INVALID with its exit code and what it printed", async () => {
  const dir = plugin("fails", "echo 'src/plugin.c:3: error: expected ;' >&2; exit 3");
  await expect(buildPlugin(dir)).rejects.toThrow(
    /build command failed in .*fails \(exit 3\):\nsrc\/plugin.c:3: error/,
  );
  expect(JSON.parse(readFileSync(join(dir, "loom-plugin.json"), "utf8")).sha256).toBe("0".repeat(64));
});

test("a missing compiler says so", async () => {
  const dir = plugin("nocc", "no-such-compiler-xyz -o out/plugin.wasm");
  await expect(buildPlugin(dir)).rejects.toThrow(/exit 127\) \(a program it runs is not installed/);
});

test("a command that makes no entry is an error naming the entry", async () => {
  const dir = plugin("nothing", "true");
  await expect(buildPlugin(dir)).rejects.toThrow("build command finished but made no out/plugin.wasm");
});
