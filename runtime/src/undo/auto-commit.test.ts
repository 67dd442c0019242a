import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newThreadId } from "../thread.ts";
import { autoCommit, conventionalMessage } from "./auto-commit.ts";
import { gitText } from "./git.ts";
import { createSnapshots } from "./snapshots.ts";

test("conventional message picks a type from the request", () => {
  expect(conventionalMessage("Fix the crash in parser.", ["a.ts"], "T-1").split("\n")[0]).toBe(
    "fix: fix the crash in parser",
  );
  expect(conventionalMessage("Add tests for sum", [], "T-1").startsWith("test: add tests for sum")).toBe(
    true,
  );
  expect(conventionalMessage("Rename foo to bar", [], "T-1").startsWith("refactor:")).toBe(true);
  expect(conventionalMessage("Add a --json flag", ["cli.ts"], "T-9")).toBe(
    "feat: add a --json flag\n\n- cli.ts\n\nLoom-Thread: T-9\n",
  );
  expect(conventionalMessage("x".repeat(100), [], "T").split("\n")[0]?.length).toBeLessThanOrEqual(72);
});

test("auto-commit commits only the files of the turn", () => {
  const ws = mkdtempSync(join(tmpdir(), "loom-ac-"));
  const env = {
    GIT_AUTHOR_NAME: "u",
    GIT_AUTHOR_EMAIL: "u@x",
    GIT_COMMITTER_NAME: "u",
    GIT_COMMITTER_EMAIL: "u@x",
  };
  try {
    gitText(["init", "-q", "-b", "main"], { cwd: ws });
    gitText(["config", "user.name", "u"], { cwd: ws, env });
    gitText(["config", "user.email", "u@x"], { cwd: ws, env });
    writeFileSync(join(ws, "a.txt"), "1\n");
    writeFileSync(join(ws, "user.txt"), "mine\n");
    gitText(["add", "a.txt"], { cwd: ws });
    gitText(["commit", "-q", "-m", "init"], { cwd: ws });
    const snaps = createSnapshots({ workspace: ws, dataDir: join(ws, ".data"), threadId: newThreadId() });
    snaps.begin();
    writeFileSync(join(ws, "a.txt"), "2\n");
    const entry = snaps.commit("bump")!;
    const r = autoCommit(snaps.target, entry, "Bump the value");
    expect(r.ok).toBe(true);
    expect(gitText(["log", "-1", "--format=%s"], { cwd: ws })).toBe("feat: bump the value");
    expect(gitText(["show", "--name-only", "--format=", "HEAD"], { cwd: ws })).toBe("a.txt");
    expect(gitText(["status", "--porcelain"], { cwd: ws })).toContain("?? user.txt");
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
