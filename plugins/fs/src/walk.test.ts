import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestWorkspace } from "./_test-workspace.ts";
import { walk } from "./walk.ts";

const ws = createTestWorkspace({
  ".gitignore": "*.log\n",
  "a.ts": "",
  "a.log": "",
  "src/.gitignore": "gen/\n",
  "src/b.ts": "",
  "src/gen/g.ts": "",
});
afterAll(() => ws.dispose());

/** A clock far enough ahead that every listing and ignore file counts as settled, so caches engage. */
const later = () => Date.now() + 60_000;

async function files(opts: { start?: string; stopAfter?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  await walk({
    root: ws.root,
    start: opts.start ?? "",
    recursive: true,
    now: later,
    visit(e) {
      if (e.kind === "file") out.push(e.rel);
      return opts.stopAfter !== undefined && out.length >= opts.stopAfter ? false : undefined;
    },
  });
  return out;
}

describe("walk with warm caches", () => {
  test("sees added files, edited and removed ignore files", async () => {
    expect(await files()).toEqual([".gitignore", "a.ts", "src/.gitignore", "src/b.ts"]);
    expect(await files()).toEqual([".gitignore", "a.ts", "src/.gitignore", "src/b.ts"]);
    writeFileSync(join(ws.root, "src", "c.ts"), "");
    expect(await files()).toContain("src/c.ts");
    writeFileSync(join(ws.root, "src", ".gitignore"), "gen/\nc.ts\n");
    expect(await files()).not.toContain("src/c.ts");
    writeFileSync(join(ws.root, ".gitignore"), "*.log\nsrc/b.ts\n");
    expect(await files()).not.toContain("src/b.ts");
    rmSync(join(ws.root, "src", ".gitignore"));
    expect(await files()).toEqual([".gitignore", "a.ts", "src/c.ts", "src/gen/g.ts"]);
  });

  test("a start below the root applies the ancestors' rules; visit can stop the walk", async () => {
    writeFileSync(join(ws.root, "src", "x.log"), "");
    expect(await files({ start: "src" })).not.toContain("src/x.log");
    expect(await files({ stopAfter: 2 })).toHaveLength(2);
  });

  test("cancellation is noticed between directories", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 600; i++) many[`many/d${i}/f.txt`] = "";
    ws.write(many);
    const ac = new AbortController();
    ac.abort();
    const run = walk({
      root: ws.root,
      start: "many",
      recursive: true,
      signal: ac.signal,
      visit: () => undefined,
    });
    await expect(run).rejects.toMatchObject({ code: "TOOL_CANCELLED" });
  });
});
