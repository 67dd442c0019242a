/** A contract every first-party TS tool passes, whatever it does. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlugin, TS_TOOL_PLUGINS } from "./manifest-sync.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-tool-contract-")));
const ctx = { workspaceRoot: root, signal: new AbortController().signal, callId: "c" };

for (const pluginName of TS_TOOL_PLUGINS) {
  const plugin = await loadPlugin(pluginName);
  describe(`plugin ${pluginName}`, () => {
    for (const tool of plugin.tools) {
      test(`${tool.name}: spec, source and invalid input`, async () => {
        expect(tool.name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
        expect(tool.description.length).toBeGreaterThan(20);
        expect(tool.description.length).toBeLessThan(1200);
        expect(tool.inputSchema["type"]).toBe("object");
        expect(JSON.parse(JSON.stringify(tool.inputSchema))).toEqual(tool.inputSchema);
        expect(tool.source).toBe(pluginName);
        for (const bad of [null, "text", 42, [], { unexpected_only: true }]) {
          const r = await tool.invoke(bad, ctx);
          expect(r.isError).toBe(true);
          expect(r.output).toMatchObject({ code: "TOOL_INPUT_INVALID" });
          expect(typeof (r.output as { message: unknown }).message).toBe("string");
        }
      });
    }
  });
}
