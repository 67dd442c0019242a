import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isStale } from "./fresh-build.ts";
import { worstCase } from "./types.ts";

let dir: string;
const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);
function file(rel: string, seconds: number): string {
  const path = join(dir, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, rel);
  at(path, seconds);
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "loom-fresh-build-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("dist/loom is stale when missing or older than any source file, however deep", () => {
  const src = join(dir, "src");
  file("src/a.ts", 1_000);
  file("src/deep/er/b.ts", 1_000);
  for (const d of ["src/deep/er", "src/deep", "src"]) at(join(dir, d), 1_000);
  const bin = join(dir, "dist", "loom");
  expect(isStale(bin, [src])).toBe(true);
  file("dist/loom", 2_000);
  expect(isStale(bin, [src])).toBe(false);
  // Edited after the build.
  file("src/deep/er/b.ts", 3_000);
  expect(isStale(bin, [src])).toBe(true);
});

test("node_modules and build output do not make it stale", () => {
  const src = join(dir, "src");
  file("src/a.ts", 1_000);
  file("src/node_modules/x/index.js", 5_000);
  file("src/dist/out.js", 5_000);
  for (const d of ["src/node_modules/x", "src/node_modules", "src/dist", "src"]) at(join(dir, d), 1_000);
  file("dist/loom", 2_000);
  expect(isStale(join(dir, "dist", "loom"), [src])).toBe(false);
});

test("a guarantee row reports the worst run, and misses its goal when any run did", () => {
  const r = worstCase("loop stopped", [210, 205, 420, 208, 212], "ms", 300);
  expect(r.value).toBe(420);
  expect(r.ok).toBe(false);
  expect(r.name).toBe("loop stopped (worst of 5)");
  expect(worstCase("loop stopped", [210, 205, 208], "ms", 300).ok).toBe(true);
});
