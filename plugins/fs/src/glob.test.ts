import { afterAll, describe, expect, test } from "bun:test";
import { createTestWorkspace } from "./_test-workspace.ts";
import { globTool } from "./glob.ts";

const ws = createTestWorkspace({
  ".gitignore": "node_modules/\n",
  "README.md": "",
  "src/a.ts": "",
  "src/b.test.ts": "",
  "src/lib/c.ts": "",
  "src/.hidden.ts": "",
  "src/lib/.gitignore": "c.ts\n",
  "node_modules/pkg/index.ts": "",
  ".git/config": "",
});
afterAll(() => ws.dispose());
type Out = { files: string[]; truncated: boolean };
const glob = async (input: unknown) => (await globTool.invoke(input, ws.ctx())).output as Out;

describe("glob", () => {
  test("** patterns, dotfiles, gitignore (nested) and .git", async () => {
    expect((await glob({ pattern: "**/*.ts" })).files).toEqual([
      "src/.hidden.ts",
      "src/a.ts",
      "src/b.test.ts",
    ]);
    expect((await glob({ pattern: "**/*" })).files).toContain("src/lib/.gitignore");
    expect((await glob({ pattern: "**/*" })).files.some((f) => f.startsWith(".git/"))).toBe(false);
  });

  test("single * does not cross directories", async () => {
    expect((await glob({ pattern: "*.md" })).files).toEqual(["README.md"]);
    expect((await glob({ pattern: "*.ts" })).files).toEqual([]);
  });

  test("several patterns, braces, and a path", async () => {
    expect((await glob({ pattern: ["*.md", "src/*.test.ts"] })).files).toEqual([
      "README.md",
      "src/b.test.ts",
    ]);
    expect((await glob({ pattern: "{a,b.test}.ts", path: "src" })).files).toEqual([
      "src/a.ts",
      "src/b.test.ts",
    ]);
  });

  test("an ignored base directory yields nothing; a missing one too", async () => {
    expect((await glob({ pattern: "node_modules/**/*.ts" })).files).toEqual([]);
    expect((await glob({ pattern: "missing/**" })).files).toEqual([]);
  });

  test("patterns without glob characters name files", async () => {
    expect((await glob({ pattern: "README.md" })).files).toEqual(["README.md"]);
    expect((await glob({ pattern: ["src/a.ts", "src/lib/missing.ts"] })).files).toEqual(["src/a.ts"]);
  });

  test("max_results truncates", async () => {
    expect(await glob({ pattern: "**", max_results: 2 })).toEqual({
      files: [".gitignore", "README.md"],
      truncated: true,
    });
  });
});
