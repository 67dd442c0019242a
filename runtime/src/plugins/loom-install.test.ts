import { expect, test } from "bun:test";
import { resolveFromLoom } from "./loom-install.ts";

test("resolves Loom's own modules, and names what is missing in one line when it cannot", () => {
  expect(resolveFromLoom("assemblyscript/package.json", import.meta.dir, "building")).toEndWith(
    "assemblyscript/package.json",
  );
  expect(() => resolveFromLoom("loom-no-such-module", import.meta.dir, "building a plugin")).toThrow(
    "building a plugin needs a Loom checkout or npm install (this loom binary does not carry loom-no-such-module)",
  );
});
