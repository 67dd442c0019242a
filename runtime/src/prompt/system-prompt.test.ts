import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSystemPrompt, findInstructionFiles, MAX_INSTRUCTION_BYTES } from "./system-prompt.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "loom-prompt-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test("includes AGENTS.md from repo root down to the workspace, then .loom instructions", () => {
  const ws = join(root, "pkg", "app");
  mkdirSync(join(ws, ".loom"), { recursive: true });
  writeFileSync(join(root, "AGENTS.md"), "Use bun, not npm.");
  writeFileSync(join(ws, "AGENTS.md"), "App tests: bun test app.");
  writeFileSync(join(ws, ".loom", "instructions-b.md"), "B rules");
  writeFileSync(join(ws, ".loom", "instructions.md"), "Main rules");
  writeFileSync(join(ws, ".loom", "notes.md"), "not instructions");
  const files = findInstructionFiles(ws, root).map((f) => f.path.slice(root.length));
  expect(files).toEqual([
    "/AGENTS.md",
    "/pkg/app/AGENTS.md",
    "/pkg/app/.loom/instructions-b.md",
    "/pkg/app/.loom/instructions.md",
  ]);
  const prompt = buildSystemPrompt({ workspace: ws, gitRoot: root, gitBranch: "main", extra: "Be terse." });
  expect(prompt).toContain("You are Loom");
  expect(prompt).toContain("# Instructions from AGENTS.md\nUse bun, not npm.");
  expect(prompt).toContain("# Instructions from pkg/app/AGENTS.md");
  expect(prompt).toContain("Main rules");
  expect(prompt).not.toContain("not instructions");
  expect(prompt).toContain("(branch main)");
  expect(prompt.indexOf("Use bun")).toBeLessThan(prompt.indexOf("App tests"));
  expect(prompt.trimEnd().endsWith("Be terse.")).toBe(true);
});

test("outside git only the workspace's own AGENTS.md counts; huge files are capped", () => {
  const ws = join(root, "ws");
  mkdirSync(ws);
  writeFileSync(join(root, "AGENTS.md"), "parent rules");
  writeFileSync(join(ws, "AGENTS.md"), "y".repeat(MAX_INSTRUCTION_BYTES + 10));
  const prompt = buildSystemPrompt({ workspace: ws });
  expect(prompt).not.toContain("parent rules");
  expect(prompt).toContain("[truncated]");
  expect(prompt).toContain("Not a git repository.");
});

test("a .loom that is a file (or AGENTS.md that is a folder) is no instructions, not a crash", () => {
  writeFileSync(join(root, ".loom"), "oops");
  mkdirSync(join(root, "AGENTS.md"));
  expect(findInstructionFiles(root)).toEqual([]);
  expect(buildSystemPrompt({ workspace: root })).toContain("You are Loom");
});

test("instructions linked out of the repository, FIFOs and devices are skipped, not read", () => {
  const repo = join(root, "repo");
  const ws = join(repo, "app");
  mkdirSync(join(root, "secret"));
  mkdirSync(join(ws, ".loom"), { recursive: true });
  writeFileSync(join(root, "secret", "canary.md"), "CANARY secret");
  writeFileSync(join(repo, "shared.md"), "shared rules");
  symlinkSync(join(root, "secret", "canary.md"), join(repo, "AGENTS.md"));
  symlinkSync("../../shared.md", join(ws, ".loom", "instructions-a.md"));
  symlinkSync("/dev/zero", join(ws, ".loom", "instructions-b.md"));
  expect(Bun.spawnSync(["mkfifo", join(ws, ".loom", "instructions-c.md")]).exitCode).toBe(0);
  symlinkSync(join(root, "secret"), join(ws, "linked"));
  symlinkSync("linked/canary.md", join(ws, "AGENTS.md"));
  const files = findInstructionFiles(ws, repo);
  expect(files.map((f) => f.path.slice(repo.length))).toEqual(["/app/.loom/instructions-a.md"]);
  expect(files[0]?.text).toBe("shared rules");
  expect(buildSystemPrompt({ workspace: ws, gitRoot: repo })).not.toContain("CANARY");
});

test("CLAUDE.md is read as well as AGENTS.md, and alone; one linked to the other counts once", () => {
  const ws = join(root, "ws");
  mkdirSync(join(ws, "linked"), { recursive: true });
  writeFileSync(join(ws, "CLAUDE.md"), "Claude rules: run make check.");
  expect(findInstructionFiles(ws).map((f) => f.text)).toEqual(["Claude rules: run make check."]);
  writeFileSync(join(ws, "AGENTS.md"), "Agent rules.");
  const prompt = buildSystemPrompt({ workspace: ws });
  expect(prompt).toContain("# Instructions from AGENTS.md\nAgent rules.");
  expect(prompt).toContain("# Instructions from CLAUDE.md\nClaude rules: run make check.");
  const linked = join(ws, "linked");
  writeFileSync(join(linked, "AGENTS.md"), "Same rules.");
  symlinkSync(join(linked, "AGENTS.md"), join(linked, "CLAUDE.md"));
  expect(findInstructionFiles(linked).map((f) => f.path.slice(linked.length))).toEqual(["/AGENTS.md"]);
});
