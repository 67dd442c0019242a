import { afterAll, describe, expect, test } from "bun:test";
import { createTestWorkspace } from "./_test-workspace.ts";
import { compileIgnore, isIgnored } from "./gitignore.ts";
import { walk } from "./walk.ts";

describe("compileIgnore", () => {
  const layer = compileIgnore("# comment\n*.log\n!keep.log\n/build\ndocs/*.md\ntmp/\n\\#hash\nfile?.txt\n");
  const ignored = (rel: string, dir = false) => isIgnored([layer], rel, dir);

  test("name patterns match at any depth, negations re-include", () => {
    expect(ignored("a.log")).toBe(true);
    expect(ignored("deep/x/a.log")).toBe(true);
    expect(ignored("keep.log")).toBe(false);
    expect(ignored("file1.txt")).toBe(true);
    expect(ignored("file10.txt")).toBe(false);
    expect(ignored("#hash")).toBe(true);
  });

  test("anchored and directory-only patterns", () => {
    expect(ignored("build", true)).toBe(true);
    expect(ignored("src/build", true)).toBe(false);
    expect(ignored("docs/a.md")).toBe(true);
    expect(ignored("docs/sub/a.md")).toBe(false);
    expect(ignored("tmp", true)).toBe(true);
    expect(ignored("tmp", false)).toBe(false);
  });
});

/** The walk must list exactly what `git ls-files --others --exclude-standard` lists. */
describe("walk agrees with git", () => {
  const ws = createTestWorkspace({
    ".gitignore": "*.log\n!important.log\n/out\nbuild/\ndocs/**/draft-*.md\n**/cache\n*.[oa]\nnode_modules\n",
    "a.ts": "",
    "x.log": "",
    "important.log": "",
    "out/o.js": "",
    "src/out/keep.ts": "",
    "src/build/gen.ts": "",
    "src/build.ts": "",
    "docs/draft-1.md": "",
    "docs/guide/draft-2.md": "",
    "docs/guide/final.md": "",
    "lib/cache/c.bin": "",
    "lib/cache.ts": "",
    "lib/m.o": "",
    "lib/m.c": "",
    "pkg/node_modules/dep/index.js": "",
    "pkg/.gitignore": "*.ts\n!keep.ts\nsecret/\n",
    "pkg/a.ts": "",
    "pkg/keep.ts": "",
    "pkg/secret/s.txt": "",
    "pkg/sub/b.ts": "",
    "pkg/sub/b.js": "",
    "space name.txt": "",
  });
  afterAll(() => ws.dispose());

  test("same file set", async () => {
    const init = Bun.spawnSync(["git", "init", "-q"], { cwd: ws.root });
    expect(init.exitCode).toBe(0);
    const git = Bun.spawnSync(["git", "ls-files", "--others", "--exclude-standard", "-z"], { cwd: ws.root });
    const expected = git.stdout.toString().split("\0").filter(Boolean).sort();
    const ours: string[] = [];
    await walk({
      root: ws.root,
      start: "",
      recursive: true,
      visit(e) {
        if (e.kind === "file") ours.push(e.rel);
        return undefined;
      },
    });
    expect(ours.sort()).toEqual(expected);
    expect(expected).toContain("important.log");
    expect(expected).not.toContain("pkg/a.ts");
  });
});
