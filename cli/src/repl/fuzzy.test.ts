import { describe, expect, test } from "bun:test";
import { fuzzyFilter, fuzzyScore, isSubsequence } from "./fuzzy.ts";

const FILES = [
  "cli/src/repl/render.ts",
  "cli/src/repl/repl.ts",
  "README.md",
  "runtime/src/threads/store.ts",
  "specs/cli.md",
  "cli/src/session/session.ts",
  "docs/reading-list.md",
];

describe("fuzzy matching", () => {
  test("characters must appear in order, case-insensitively", () => {
    expect(isSubsequence("rpl", "cli/src/repl")).toBe(true);
    expect(isSubsequence("lpr", "cli/src/repl")).toBe(false);
    expect(fuzzyScore("RDME", "README.md")).toBeDefined();
    expect(fuzzyScore("xyz", "README.md")).toBeUndefined();
  });

  test("a match at the start of the file name beats one scattered through the path", () => {
    expect(fuzzyFilter("repl", FILES, 3)[0]).toBe("cli/src/repl/repl.ts");
    expect(fuzzyFilter("store", FILES, 3)[0]).toBe("runtime/src/threads/store.ts");
    expect(fuzzyFilter("sess", FILES, 3)[0]).toBe("cli/src/session/session.ts");
  });

  test("word starts and consecutive runs count: 'rl' prefers reading-list over scattered letters", () => {
    const [best] = fuzzyFilter("rl", ["src/parallel.ts", "docs/reading-list.md"], 2);
    expect(best).toBe("docs/reading-list.md");
  });

  test("limit keeps the best; an empty query keeps order of length", () => {
    expect(fuzzyFilter("s", FILES, 2)).toHaveLength(2);
    expect(fuzzyFilter("", ["long/path/file.ts", "a.ts"], 2)).toEqual(["a.ts", "long/path/file.ts"]);
    expect(fuzzyFilter("zzz", FILES, 5)).toEqual([]);
  });
});
