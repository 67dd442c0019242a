/** `loom tools call` / `loom tools list` with a WASM plugin from the workspace (the hostile test plugin). */
import { afterAll, expect, test } from "bun:test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, loom } from "./_harness.ts";

const HOSTILE = join(import.meta.dir, "..", "plugins", "hostile");
const sb = createSandbox({ "a.txt": "hi\n" });
afterAll(() => sb.cleanup());

const pluginDir = join(sb.workspace, ".loom", "plugins", "hostile");
cpSync(join(HOSTILE, "hostile.wasm"), join(pluginDir, "hostile.wasm"), { recursive: true });
const manifest = JSON.parse(readFileSync(join(HOSTILE, "loom-plugin.json"), "utf8"));
manifest.limits.timeoutMs = 300;
writeFileSync(join(pluginDir, "loom-plugin.json"), JSON.stringify(manifest));

test("a loop past the plugin's timeoutMs is TOOL_TIMEOUT, not cancelled", async () => {
  const r = await loom(sb, ["tools", "call", "loop", "{}"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toStartWith(
    "loom: loop failed: TOOL_TIMEOUT: hostile/loop: plugin hostile took longer than 300 ms",
  );
});

test("inside the Loom checkout, the built-ins linked into node_modules are not found twice", async () => {
  const checkout = join(import.meta.dir, "..", "..");
  const r = await loom(sb, ["tools", "list"], { cwd: checkout });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("edit_file");
});
