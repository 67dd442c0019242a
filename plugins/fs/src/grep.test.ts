import { afterAll, describe, expect, test } from "bun:test";
import { createTestWorkspace } from "./_test-workspace.ts";
import { grepTool } from "./grep.ts";
import { BATCH_FILES } from "./grep-batches.ts";

const ws = createTestWorkspace({
  ".gitignore": "dist/\n",
  "src/a.ts": "const Foo = 1;\nfunction foo() {}\n// foo.bar\n",
  "src/b.md": "Foo in markdown\n",
  "src/long.ts": `${"y".repeat(500)}foo\n`,
  "dist/out.js": "foo\n",
  "img.bin": new Uint8Array([102, 111, 111, 0, 102, 111, 111]),
  "nested/.gitignore": "*.gen.ts\n",
  "nested/x.gen.ts": "foo\n",
  "nested/y.ts": "no match\nlast foo",
  "nested/z.txt": "bar\nend bar\nmore\n",
});
afterAll(() => ws.dispose());
type Out = {
  matches: { path: string; line: number; text: string }[];
  truncated: boolean;
  files_searched: number;
};
const grep = async (input: unknown) => (await grepTool.invoke(input, ws.ctx())).output as Out;
const where = (o: Out) => o.matches.map((m) => `${m.path}:${m.line}`);

describe("grep", () => {
  test("regex search, gitignore-aware, binaries skipped, file order", async () => {
    const out = await grep({ pattern: "fo+\\b" });
    expect(where(out)).toEqual(["src/a.ts:2", "src/a.ts:3", "src/long.ts:1", "nested/y.ts:2"].sort(byWalk));
    expect(out.truncated).toBe(false);
  });

  test("literal search escapes regex characters", async () => {
    expect(where(await grep({ pattern: "foo.bar", literal: true }))).toEqual(["src/a.ts:3"]);
    expect(where(await grep({ pattern: "(", literal: true }))).toEqual(["src/a.ts:2"]);
  });

  test("case-insensitive, path and glob filters", async () => {
    expect(where(await grep({ pattern: "foo", case_insensitive: true, path: "src", glob: "*.md" }))).toEqual([
      "src/b.md:1",
    ]);
    expect(where(await grep({ pattern: "Foo", literal: true, glob: ["**/*.ts"] }))).toEqual(["src/a.ts:1"]);
    expect(where(await grep({ pattern: "foo", path: "nested/y.ts" }))).toEqual(["nested/y.ts:2"]);
  });

  test("anchors and lookarounds match per line", async () => {
    expect(where(await grep({ pattern: "^function" }))).toEqual(["src/a.ts:2"]);
    expect(where(await grep({ pattern: "end bar(?!\\s)" }))).toEqual(["nested/z.txt:2"]);
    expect(where(await grep({ pattern: "(?<!\\S)Foo in" }))).toEqual(["src/b.md:1"]);
  });

  test("long lines are cut, max_results truncates", async () => {
    const long = await grep({ pattern: "y+foo" });
    expect(long.matches[0]?.text.length).toBe(301);
    const capped = await grep({ pattern: "foo", case_insensitive: true, max_results: 2 });
    expect(capped.matches).toHaveLength(2);
    expect(capped.truncated).toBe(true);
  });

  test("an invalid regex is an error result", async () => {
    expect((await grepTool.invoke({ pattern: "(" }, ws.ctx())).output).toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  test("large trees go through the worker pool with the same order and limits", async () => {
    const files: Record<string, string> = {};
    const n = BATCH_FILES * 3 + 17;
    for (let i = 0; i < n; i++)
      files[`big/d${String(i % 7)}/f${String(i).padStart(5, "0")}.txt`] = `x\nhit ${i}\n`;
    ws.write(files);
    const all = await grep({ pattern: "hit \\d+", path: "big", max_results: 2000 });
    expect(all.matches).toHaveLength(2000);
    expect(all.truncated).toBe(true);
    const paths = all.matches.map((m) => m.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths[0]).toBe("big/d0/f00000.txt");
    const few = await grep({ pattern: "hit 3001$", path: "big" });
    expect(where(few)).toEqual(["big/d5/f03001.txt:2"]);
    expect(few.files_searched).toBe(n);
  });
});

function byWalk(a: string, b: string): number {
  const order = ["nested", "src"];
  return order.indexOf(a.split("/")[0]!) - order.indexOf(b.split("/")[0]!) || (a < b ? -1 : 1);
}

describe("grep cancellation", () => {
  test("an aborted signal gives TOOL_CANCELLED", async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await grepTool.invoke({ pattern: "foo" }, ws.ctx(ac.signal));
    expect(r.output).toMatchObject({ code: "TOOL_CANCELLED" });
  });
});

describe("grep and special files", () => {
  test("a FIFO in the tree or as the path never hangs the search", async () => {
    const fifo = `${ws.root}/pipe.fifo`;
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    expect((await grep({ pattern: "foo", max_results: 1 })).matches).toHaveLength(1);
    expect((await grep({ pattern: "foo", path: "pipe.fifo" })).matches).toEqual([]);
  });
});
