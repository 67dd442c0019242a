import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AS_TOOLCHAIN } from "./plugin-toolchain.ts";

test("the pinned compiler versions are the ones Loom itself builds with", () => {
  for (const [name, version] of Object.entries(AS_TOOLCHAIN)) {
    const pkg = Bun.resolveSync(`${name}/package.json`, import.meta.dir);
    expect(`${name}@${JSON.parse(readFileSync(pkg, "utf8")).version}`).toBe(`${name}@${version}`);
    expect(dirname(pkg)).toEndWith(join("node_modules", name));
  }
});
