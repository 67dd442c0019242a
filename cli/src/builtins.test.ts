import { expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseManifest } from "@loom/runtime/plugins/manifest";
import { discoverPlugins } from "@loom/runtime/plugins/sources";
import { Value } from "@sinclair/typebox/value";
import { builtins } from "./builtins.ts";

test("every built-in manifest is valid (start-up trusts them instead of checking)", () => {
  expect(builtins.length).toBeGreaterThan(0);
  for (const b of builtins) expect(() => parseManifest(b.manifest, "built-in")).not.toThrow();
});

test("discovering the built-ins runs no schema validation", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-builtins-"));
  const errors = spyOn(Value, "Errors");
  try {
    const found = await discoverPlugins({
      workspaceRoot: dir,
      builtins,
      userDir: join(dir, "user"),
      npm: false,
    });
    expect(found.warnings).toEqual([]);
    expect(found.candidates.map((c) => c.manifest.name)).toEqual(
      builtins.map((b) => (b.manifest as { name: string }).name),
    );
    expect(errors).toHaveBeenCalledTimes(0);
  } finally {
    errors.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
});
