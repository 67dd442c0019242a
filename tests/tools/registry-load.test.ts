/** The first-party TS tool plugins load through their manifests into the tool registry and work there. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToolRegistry } from "@loom/runtime/plugins/registry";
import type { BuiltinPlugin } from "@loom/runtime/plugins/sources";
import { manifestPath, TS_TOOL_PLUGINS } from "./manifest-sync.ts";

const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-registry-tools-")));
const root = join(base, "ws");
mkdirSync(join(root, "src"), { recursive: true });
writeFileSync(join(root, "src", "a.ts"), "export const answer = 42;\n");
afterAll(() => rmSync(base, { recursive: true, force: true }));

const builtins: BuiltinPlugin[] = TS_TOOL_PLUGINS.map((name) => {
  const file = manifestPath(name);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { entry: string };
  return { manifest, load: () => import(join(file, "..", manifest.entry)) };
});

describe("TS tool plugins in the registry", () => {
  test("every tool registers under its name and runs with the manifest's capabilities", async () => {
    const registry = await createToolRegistry({
      workspaceRoot: root,
      builtins,
      npm: false,
      userPluginDir: join(base, "no-user-plugins"),
    });
    try {
      const names = registry.tools.map((t) => t.name);
      for (const n of ["read_file", "list_files", "grep", "glob", "bash", "web_search", "oracle"]) {
        expect(names).toContain(n);
      }
      expect(registry.get("bash")?.mutating).toBe(true);
      expect(registry.get("grep")?.mutating).toBe(false);
      const ctx = { workspaceRoot: root, signal: new AbortController().signal, callId: "r" };
      const grep = await registry.get("grep")!.invoke({ pattern: "answer" }, ctx);
      expect(grep.output).toMatchObject({ matches: [{ path: "src/a.ts", line: 1 }] });
      const bash = await registry.get("bash")!.invoke({ command: "cat src/a.ts" }, ctx);
      expect(bash.output).toMatchObject({ exit_code: 0, stdout: "export const answer = 42;\n" });
      const read = await registry.get("read_file")!.invoke({ path: "../outside" }, ctx);
      expect(read.output).toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
    } finally {
      registry.close();
    }
  });
});
