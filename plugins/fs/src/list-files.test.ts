import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { createTestWorkspace } from "./_test-workspace.ts";
import { LIST_CAP, listFilesTool } from "./list-files.ts";

const ws = createTestWorkspace({
  ".gitignore": "*.log\nbuild/\n!keep.log\n",
  "a.ts": "",
  "debug.log": "",
  "keep.log": "",
  "build/out.js": "",
  "src/b.ts": "",
  "src/.gitignore": "generated/\n*.tmp\n",
  "src/generated/x.ts": "",
  "src/scratch.tmp": "",
  "src/deep/c.ts": "",
  ".git/HEAD": "ref: refs/heads/main\n",
  ".git/info/exclude": "secret.txt\n",
  "secret.txt": "",
});
symlinkSync("/etc", join(ws.root, "etc-link"));
afterAll(() => ws.dispose());
const list = async (input: unknown) =>
  (await listFilesTool.invoke(input, ws.ctx())).output as Record<string, unknown>;

describe("list_files", () => {
  test("lists the root, non-recursive, without ignored entries or .git", async () => {
    expect(await list({})).toEqual({
      path: ".",
      entries: [".gitignore", "a.ts", "etc-link", "keep.log", "src/"],
      truncated: false,
    });
  });

  test("recursive walk honours nested .gitignore files and negations", async () => {
    const out = await list({ recursive: true });
    expect(out.entries).toEqual([
      ".gitignore",
      "a.ts",
      "etc-link",
      "keep.log",
      "src/",
      "src/.gitignore",
      "src/b.ts",
      "src/deep/",
      "src/deep/c.ts",
    ]);
  });

  test("a subdirectory still sees its ancestors' rules", async () => {
    ws.write({ "src/deep/trace.log": "" });
    expect((await list({ path: "src/deep" })).entries).toEqual(["src/deep/c.ts"]);
  });

  test("caps at 1,000 entries with the truncated flag", async () => {
    const dir = join(ws.root, "many");
    mkdirSync(dir);
    const files: Record<string, string> = {};
    for (let i = 0; i < LIST_CAP + 5; i++) files[`many/f${i}`] = "";
    ws.write(files);
    const out = await list({ path: "many" });
    expect((out.entries as string[]).length).toBe(LIST_CAP);
    expect(out.truncated).toBe(true);
  });

  test("a file path is an error result", async () => {
    expect(await list({ path: "a.ts" })).toMatchObject({ code: "INVALID_INPUT" });
  });
});
