/**
 * Ignore files are read on the tools' own account, so a repository must not be able to point them
 * out of the workspace, at a FIFO (hang) or at /dev/zero (unbounded read). The hanging cases run in a
 * child process so a regression fails the test instead of hanging the suite.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createTestWorkspace } from "./_test-workspace.ts";
import { globTool } from "./glob.ts";
import { grepTool } from "./grep.ts";
import { listFilesTool } from "./list-files.ts";

const ws = createTestWorkspace({
  "sub/a.txt": "needle\n",
  "sub/b.md": "needle\n",
  "linked/x.log": "needle\n",
  rules: "*.log\n",
  "top.md": "needle\n",
});
const outside = join(dirname(ws.root), "secret");
mkdirSync(outside);
// If either file were read, the files it names would vanish from the results.
writeFileSync(join(outside, "canary.txt"), "*.txt\n");
writeFileSync(join(outside, "exclude"), "*.md\n");
symlinkSync("../../secret/canary.txt", join(ws.root, "sub", ".gitignore"));
mkdirSync(join(ws.root, ".git", "info"), { recursive: true });
symlinkSync(join(outside, "exclude"), join(ws.root, ".git", "info", "exclude"));
// A symlinked .gitignore inside the workspace is not followed either, as git does.
symlinkSync("../rules", join(ws.root, "linked", ".gitignore"));
afterAll(() => ws.dispose());

const expected = ["linked/x.log", "sub/a.txt", "sub/b.md", "top.md"];

describe("ignore files that may not be read", () => {
  test("list_files ignores a .gitignore or info/exclude linked out of the workspace", async () => {
    const out = (await listFilesTool.invoke({ path: ".", recursive: true }, ws.ctx())).output as {
      entries: string[];
    };
    const files = out.entries.filter((p) => expected.includes(p));
    expect(files.sort()).toEqual(expected);
  });

  test("glob and grep do the same", async () => {
    const g = (await globTool.invoke({ pattern: "**/*.{txt,md,log}" }, ws.ctx())).output as {
      files: string[];
    };
    expect(g.files.sort()).toEqual(expected);
    const r = (await grepTool.invoke({ pattern: "needle" }, ws.ctx())).output as {
      matches: { path: string }[];
    };
    expect(r.matches.map((m) => m.path).sort()).toEqual(expected);
  });
});

const CHILD_TEST_MS = 60_000;

/** Runs glob `**` over `root` in a child; its output, or a failure when it hung or crashed. */
function globInChild(root: string): { files?: string[]; failure?: string } {
  const script = `
    const { globTool } = await import(${JSON.stringify(join(import.meta.dir, "glob.ts"))});
    const ctx = { workspaceRoot: ${JSON.stringify(root)}, signal: new AbortController().signal, callId: "t" };
    const out = await globTool.invoke({ pattern: "**" }, ctx);
    console.log(JSON.stringify(out.output.files));
  `;
  // The timeout only turns a hang into a failure; a working glob answers in milliseconds.
  const r = Bun.spawnSync([process.execPath, "-e", script], { timeout: 30_000, stderr: "pipe" });
  if (r.exitCode !== 0) return { failure: `exit ${r.exitCode} ${r.signalCode ?? ""} ${r.stderr.toString()}` };
  return { files: JSON.parse(r.stdout.toString()) as string[] };
}

describe("ignore files that are not regular files", () => {
  test(
    "a FIFO named .gitignore does not hang glob",
    () => {
      const w = createTestWorkspace({ "a.txt": "", "d/b.txt": "" });
      try {
        expect(Bun.spawnSync(["mkfifo", join(w.root, "d", ".gitignore")]).exitCode).toBe(0);
        const r = globInChild(w.root);
        expect(r.failure).toBeUndefined();
        expect(r.files).toContain("d/b.txt");
      } finally {
        w.dispose();
      }
    },
    CHILD_TEST_MS,
  );

  test(
    "a .gitignore linked to /dev/zero is not read (in the workspace root or below)",
    () => {
      const w = createTestWorkspace({ "a.txt": "", "d/b.txt": "" });
      try {
        symlinkSync("/dev/zero", join(w.root, ".gitignore"));
        symlinkSync("/dev/zero", join(w.root, "d", ".gitignore"));
        const r = globInChild(w.root);
        expect(r.failure).toBeUndefined();
        expect(r.files).toContain("d/b.txt");
      } finally {
        w.dispose();
      }
    },
    CHILD_TEST_MS,
  );

  test(
    "an oversize .gitignore is cut at the cap on a whole line",
    () => {
      const w = createTestWorkspace({ "a.log": "", "z.tmp": "" });
      try {
        // The rule before the cap applies; the one after it does not.
        const filler = `${"#".repeat(99)}\n`.repeat(Math.ceil((1024 * 1024) / 100));
        w.write({ ".gitignore": `*.log\n${filler}*.tmp\n` });
        const r = globInChild(w.root);
        expect(r.files).not.toContain("a.log");
        expect(r.files).toContain("z.tmp");
      } finally {
        w.dispose();
      }
    },
    CHILD_TEST_MS,
  );
});
