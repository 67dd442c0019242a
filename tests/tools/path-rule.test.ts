/** Every file tool refuses paths that leave the workspace, whichever way they try. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { globTool } from "@loom/plugin-fs/glob";
import { grepTool } from "@loom/plugin-fs/grep";
import { listFilesTool } from "@loom/plugin-fs/list-files";
import { readFileTool } from "@loom/plugin-fs/read-file";
import type { Tool } from "@loom/runtime/tool";

const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-path-rule-")));
const ws = join(base, "ws");
const outside = join(base, "outside");
mkdirSync(join(ws, "src"), { recursive: true });
mkdirSync(outside);
writeFileSync(join(ws, "src", "ok.txt"), "secret-free\n");
writeFileSync(join(outside, "secret.txt"), "secret\n");
symlinkSync(join(outside, "secret.txt"), join(ws, "file-link"));
symlinkSync(outside, join(ws, "dir-link"));
symlinkSync(ws, join(base, "ws-link"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const ctx = (root = ws) => ({ workspaceRoot: root, signal: new AbortController().signal, callId: "p" });

/** Each tool with a way to aim it at a path. */
const cases: [string, Tool, (path: string) => Record<string, unknown>][] = [
  ["read_file", readFileTool, (path) => ({ path })],
  ["list_files", listFilesTool, (path) => ({ path })],
  ["grep", grepTool, (path) => ({ pattern: "secret", path })],
  ["glob", globTool, (path) => ({ pattern: "**", path })],
];

const escapes: [string, string][] = [
  ["..", "../outside"],
  ["nested ..", "src/../../outside/secret.txt"],
  ["absolute", outside],
  ["symlinked file", "file-link"],
  ["symlinked dir", "dir-link"],
  ["/proc", "/proc/self/root/etc"],
];

describe("path rule", () => {
  for (const [toolName, tool, aim] of cases) {
    for (const [how, path] of escapes) {
      if (toolName === "list_files" || toolName === "glob") {
        if (how === "symlinked file") continue; // directory tools: file-link covered by read_file/grep
      }
      test(`${toolName} refuses ${how}`, async () => {
        const r = await tool.invoke(aim(path), ctx());
        expect(r.isError).toBe(true);
        expect(r.output).toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
      });
    }
    test(`${toolName} works through a symlinked workspace root`, async () => {
      const inside = toolName === "read_file" || toolName === "grep" ? "src/ok.txt" : "src";
      const r = await tool.invoke(aim(inside), ctx(join(base, "ws-link")));
      expect(r.isError).toBeUndefined();
    });
  }

  test("grep and glob over the whole workspace never follow symlinks out", async () => {
    const g = (await grepTool.invoke({ pattern: "^secret$" }, ctx())).output as { matches: unknown[] };
    expect(g.matches).toEqual([]);
    const f = (await globTool.invoke({ pattern: "**/secret.txt" }, ctx())).output as { files: string[] };
    expect(f.files).toEqual([]);
  });
});

describe("read permission", () => {
  const noRead = { read: false, write: false, exec: false, network: [], env: [] };
  for (const [toolName, tool, aim] of cases) {
    test(`${toolName} needs the read grant`, async () => {
      const r = await tool.invoke(aim("src"), { ...ctx(), capabilities: noRead });
      expect(r.output).toMatchObject({ code: "PERMISSION_DENIED" });
    });
  }
});
