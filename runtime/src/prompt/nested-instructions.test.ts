import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tool } from "../tool.ts";
import { createNestedInstructions } from "./nested-instructions.ts";

let root: string;
let ws: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "loom-nested-")));
  ws = join(root, "ws");
  mkdirSync(join(ws, "pkg", "api", "src"), { recursive: true });
  writeFileSync(join(ws, "AGENTS.md"), "top level (already in the system prompt)");
  writeFileSync(join(ws, "pkg", "CLAUDE.md"), "pkg: use the pkg test runner");
  writeFileSync(join(ws, "pkg", "api", "AGENTS.md"), "api: never edit generated.ts");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const reader: Tool = {
  name: "read_file",
  description: "read",
  inputSchema: { type: "object" },
  invoke: async () => ({ output: "file contents" }),
};

const ctx = { workspaceRoot: "", signal: new AbortController().signal, callId: "c" } as Parameters<
  Tool["invoke"]
>[1];

test("working in a subfolder adds its instruction files (and its parents') to the result, once", async () => {
  const [tool] = createNestedInstructions(ws).wrap([reader]);
  const first = await tool!.invoke({ path: "pkg/api/src/handler.ts" }, ctx);
  const text = String(first.output);
  expect(text.startsWith("file contents\n\n")).toBe(true);
  expect(text).toContain(
    "[Instructions from pkg/CLAUDE.md, which apply to work in pkg/]\npkg: use the pkg test runner",
  );
  expect(text).toContain("[Instructions from pkg/api/AGENTS.md, which apply to work in pkg/api/]");
  expect(text).not.toContain("top level");
  expect(text.indexOf("pkg/CLAUDE.md")).toBeLessThan(text.indexOf("pkg/api/AGENTS.md"));
  // Seen once per conversation.
  expect((await tool!.invoke({ path: "pkg/api/other.ts" }, ctx)).output).toBe("file contents");
});

test("paths outside the workspace, files that are not regular or link out, and failed calls add nothing", async () => {
  const nested = createNestedInstructions(ws);
  expect(nested.take("../elsewhere/x.ts")).toEqual([]);
  expect(nested.take("/etc/passwd")).toEqual([]);
  mkdirSync(join(ws, "fifo"));
  expect(Bun.spawnSync(["mkfifo", join(ws, "fifo", "AGENTS.md")]).exitCode).toBe(0);
  writeFileSync(join(root, "outside.md"), "secret");
  mkdirSync(join(ws, "link"));
  symlinkSync(join(root, "outside.md"), join(ws, "link", "AGENTS.md"));
  expect(nested.take("fifo/a.ts")).toEqual([]);
  expect(nested.take("link/a.ts")).toEqual([]);
  const failing: Tool = { ...reader, invoke: async () => ({ output: "no such file", isError: true }) };
  const [tool] = nested.wrap([failing]);
  expect((await tool!.invoke({ path: "pkg/x" }, ctx)).output).toBe("no such file");
  nested.reset();
  expect(nested.take("pkg/x").map((f) => f.text)).toEqual(["pkg: use the pkg test runner"]);
});
