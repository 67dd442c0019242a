/**
 * First-party WASM plugins import Loom's AssemblyScript SDK from runtime/src/plugins/as-sdk (only
 * scaffolded third-party plugins get a copy); their staleness hashes include it.
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const repo = join(import.meta.dir, "../..");

test.each([
  ["plugins/edit/assembly", "index.ts"],
  ["tests/plugins/hostile/assembly", "hostile.as.ts"],
])("%s imports the shared SDK instead of a copy", (dir, entry) => {
  expect(existsSync(join(repo, dir, "loom.ts"))).toBe(false);
  expect(existsSync(join(repo, dir, "loom.as.ts"))).toBe(false);
  expect(readFileSync(join(repo, dir, entry), "utf8")).toContain("runtime/src/plugins/as-sdk/loom.as");
});
