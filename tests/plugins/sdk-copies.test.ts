/** Every plugin vendors Loom's AssemblyScript SDK; the first-party copies must match the source. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const repo = join(import.meta.dir, "../..");
const canonical = readFileSync(join(repo, "runtime/src/plugins/as-sdk/loom.as.ts"), "utf8");

test.each(["plugins/edit/assembly/loom.ts", "tests/plugins/hostile/assembly/loom.as.ts"])(
  "%s is current",
  (copy) => {
    expect(readFileSync(join(repo, copy), "utf8")).toBe(canonical);
  },
);
