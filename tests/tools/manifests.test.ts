import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parseManifest } from "@loom/runtime/plugins/manifest";
import { loadPlugin, manifestPath, manifestTools, TS_TOOL_PLUGINS } from "./manifest-sync.ts";

describe("first-party TS tool plugin manifests", () => {
  for (const name of TS_TOOL_PLUGINS) {
    test(`${name}: manifest is valid and its tools equal the code's (bun tests/tools/manifest-sync.ts)`, async () => {
      const manifest = parseManifest(
        JSON.parse(readFileSync(manifestPath(name), "utf8")),
        manifestPath(name),
      );
      const plugin = await loadPlugin(name);
      expect(manifest.name).toBe(plugin.name);
      expect(manifest.version).toBe(plugin.version);
      expect(manifest.kind).toBe("tool");
      expect(manifest.runtime).toBe("ts");
      expect(manifest.tools).toEqual(manifestTools(plugin) as typeof manifest.tools);
    });
  }
});
