import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileIndex, listWorkspace } from "./file-index.ts";

let ws: string;

beforeAll(() => {
  ws = realpathSync(mkdtempSync(join(tmpdir(), "loom-file-index-")));
  mkdirSync(join(ws, "src", "repl"), { recursive: true });
  mkdirSync(join(ws, "node_modules", "dep"), { recursive: true });
  mkdirSync(join(ws, ".git", "objects"), { recursive: true });
  writeFileSync(join(ws, ".gitignore"), "node_modules/\n*.log\n");
  writeFileSync(join(ws, "src", "repl", "editor.ts"), "");
  writeFileSync(join(ws, "src", "main.ts"), "");
  writeFileSync(join(ws, "debug.log"), "");
  writeFileSync(join(ws, "node_modules", "dep", "editor.js"), "");
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

test("the index is the gitignore-aware walk: ignored files and .git are left out, directories end in /", async () => {
  expect((await listWorkspace(ws)).sort()).toEqual([
    ".gitignore",
    "src/",
    "src/main.ts",
    "src/repl/",
    "src/repl/editor.ts",
  ]);
  expect(await listWorkspace(ws, 2)).toHaveLength(2);
});

test("search ranks fuzzy matches; a longer query narrows the last one's matches; a stale index rebuilds", async () => {
  let now = 0;
  const index = createFileIndex(ws, { freshMs: 1000, now: () => now });
  expect(await index.search("edit", 10)).toEqual(["src/repl/editor.ts"]);
  expect(await index.search("s", 10)).toContain("src/main.ts");
  expect(await index.search("ed", 10)).toEqual(["src/repl/editor.ts"]);
  writeFileSync(join(ws, "src", "editing.md"), "");
  // Still fresh: the old list answers.
  expect(await index.search("editing", 10)).toEqual([]);
  now = 5000;
  // Stale: this answer comes from the old list while the new one is built…
  expect(await index.search("editing", 10)).toEqual([]);
  await index.settled();
  // …which answers the next query.
  expect(await index.search("editing", 10)).toEqual(["src/editing.md"]);
});
