import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createTestWorkspace } from "./_test-workspace.ts";

const files: Record<string, string> = {};
for (let i = 0; i < 2500; i++) files[`d${i % 3}/f${String(i).padStart(4, "0")}.txt`] = `hit ${i}\n`;
const ws = createTestWorkspace(files);
afterAll(() => ws.dispose());

describe("grep without workers", () => {
  test("a broken pool falls back to the calling thread with the same result", () => {
    // A fresh process, so the broken pool does not leak into other tests.
    const script = `
      import { breakPoolForTests } from ${JSON.stringify(join(import.meta.dir, "grep-pool.ts"))};
      import { grepTool } from ${JSON.stringify(join(import.meta.dir, "grep.ts"))};
      breakPoolForTests();
      const ctx = { workspaceRoot: ${JSON.stringify(ws.root)}, signal: new AbortController().signal, callId: "x" };
      const r = await grepTool.invoke({ pattern: "hit 2499$|hit 7$" }, ctx);
      console.log(JSON.stringify(r.output));
    `;
    const p = Bun.spawnSync([process.execPath, "-e", script], { stderr: "pipe" });
    expect(p.stderr.toString()).toBe("");
    expect(JSON.parse(p.stdout.toString())).toEqual({
      matches: [
        { path: "d1/f0007.txt", line: 1, text: "hit 7" },
        { path: "d0/f2499.txt", line: 1, text: "hit 2499" },
      ].sort((a, b) => (a.path < b.path ? -1 : 1)),
      truncated: false,
      files_searched: 2500,
    });
  });
});
