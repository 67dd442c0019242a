import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "@loom/runtime/plugins/as-build";
import { readManifest } from "@loom/runtime/plugins/manifest";
import { declaredPermissions } from "@loom/runtime/plugins/permissions";
import { SHARED_AS_SDK, sourcesHash } from "@loom/runtime/plugins/plugin-build";
import { loadWasmPlugin, type WasmPlugin } from "@loom/runtime/plugins/wasm-plugin";
import type { ToolResult } from "@loom/runtime/tool";

const dir = import.meta.dir;
let root: string;
let plugin: WasmPlugin;

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "loom-edit-")));
  const manifest = await readManifest(join(dir, "loom-plugin.json"));
  const wasm = new Uint8Array(readFileSync(join(dir, manifest.entry)));
  plugin = loadWasmPlugin({ manifest, wasm, root, permissions: async () => declaredPermissions(manifest) });
});

afterAll(() => {
  plugin.host.close();
  rmSync(root, { recursive: true, force: true });
});

function edit(input: unknown): Promise<ToolResult> {
  return plugin.tools[0]!.invoke(input, {
    workspaceRoot: root,
    signal: new AbortController().signal,
    callId: "e",
  });
}

function message(r: ToolResult): string {
  expect(r.isError).toBe(true);
  return (r.output as { message: string }).message;
}

const read = (p: string) => readFileSync(join(root, p), "utf8");

describe("edit_file", () => {
  test("committed edit.wasm is built from the current sources and matches the manifest", async () => {
    const manifest = await readManifest(join(dir, "loom-plugin.json"));
    expect(sha256Hex(new Uint8Array(readFileSync(join(dir, "edit.wasm"))))).toBe(manifest.sha256!);
    expect(JSON.parse(readFileSync(join(dir, "build-info.json"), "utf8")).sources).toBe(
      sourcesHash(dir, "assembly", [SHARED_AS_SDK]),
    );
  });

  test("replaces a unique match", async () => {
    writeFileSync(join(root, "a.ts"), "const a = 1;\nconst b = 2;\n");
    const r = await edit({ path: "a.ts", edits: [{ old: "b = 2", new: "b = 3" }] });
    expect(r).toEqual({ output: { path: "a.ts", created: false, replacements: 1 } });
    expect(read("a.ts")).toBe("const a = 1;\nconst b = 3;\n");
  });

  test("a non-unique match is an error unless replace_all", async () => {
    writeFileSync(join(root, "dup.txt"), "x x x");
    expect(message(await edit({ path: "dup.txt", edits: [{ old: "x", new: "y" }] }))).toContain(
      "matches 3 places",
    );
    expect(read("dup.txt")).toBe("x x x");
    const r = await edit({ path: "dup.txt", edits: [{ old: "x", new: "y", replace_all: true }] });
    expect((r.output as { replacements: number }).replacements).toBe(3);
    expect(read("dup.txt")).toBe("y y y");
  });

  test("edits apply in order, all or nothing", async () => {
    writeFileSync(join(root, "seq.txt"), "one two");
    const bad = await edit({
      path: "seq.txt",
      edits: [
        { old: "one", new: "1" },
        { old: "three", new: "3" },
      ],
    });
    expect(message(bad)).toContain("edits[1]: old text not found");
    expect(read("seq.txt")).toBe("one two");
    await edit({
      path: "seq.txt",
      edits: [
        { old: "one", new: "1" },
        { old: "1 two", new: "1 2" },
      ],
    });
    expect(read("seq.txt")).toBe("1 2");
  });

  test("an empty old creates a file, with parent directories", async () => {
    const r = await edit({ path: "new/dir/f.md", edits: [{ old: "", new: "# Tïtle ✓\n" }] });
    expect(r).toEqual({ output: { path: "new/dir/f.md", created: true, replacements: 0 } });
    expect(read("new/dir/f.md")).toBe("# Tïtle ✓\n");
    expect(message(await edit({ path: "new/dir/f.md", edits: [{ old: "", new: "again" }] }))).toContain(
      "already exists",
    );
  });

  test("non-ASCII text in old and new", async () => {
    writeFileSync(join(root, "u.txt"), "naïve café 😀 end");
    await edit({ path: "u.txt", edits: [{ old: "café 😀", new: "thé 🍵" }] });
    expect(read("u.txt")).toBe("naïve thé 🍵 end");
  });

  test("paths outside the workspace are refused and nothing is written there", async () => {
    const r = await edit({ path: "../escape.txt", edits: [{ old: "", new: "x" }] });
    expect((r.output as { code: string }).code).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(existsSync(join(root, "../escape.txt"))).toBe(false);
  });

  test("missing file, bad input", async () => {
    expect(message(await edit({ path: "nope.txt", edits: [{ old: "a", new: "b" }] }))).toContain(
      "does not exist",
    );
  });

  test("input that does not match the manifest's schema is refused before the plugin runs", async () => {
    const code = (r: ToolResult) => (r.output as { code: string }).code;
    const empty = await edit({ path: "a.ts", edits: [] });
    expect(code(empty)).toBe("TOOL_INPUT_INVALID");
    expect(message(empty)).toContain("/edits: Array has too few items");
    const wrong = await edit({ path: 3, edits: [{ old: "", new: "x", extra: true }] });
    expect(message(wrong)).toContain('/path: Instance type "number" is invalid. Expected "string"');
    expect(message(wrong)).toContain("/edits/0: unknown property 'extra'");
    expect(message(wrong)).not.toContain("False boolean schema");
    expect(message(await edit({ path: "new.txt", edits: [{ old: "" }] }))).toContain(
      '/edits/0: Instance does not have required property "new"',
    );
    expect(existsSync(join(root, "new.txt"))).toBe(false);
  });

  test("leaves no temporary files behind", () => {
    expect(readdirSync(root).filter((f) => f.includes("loom-tmp"))).toEqual([]);
  });
});
