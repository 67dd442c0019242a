import { describe, expect, test } from "bun:test";
import { type CompletionSources, commonPrefix, complete, mentionOf } from "./completion.ts";
import { bufferOf } from "./line-buffer.ts";
import { SLASH_COMMANDS } from "./slash.ts";

const FILES = ["src/parser.ts", "src/printer.ts", "docs/my guide.md", "src/"];

const sources: CompletionSources = {
  // The REPL's registry, as the live REPL reads it: a command added there shows up here.
  commands: () => Object.entries(SLASH_COMMANDS).map(([name, c]) => ({ name, help: c.help, args: c.args })),
  argItems: async (source) =>
    source === "threads"
      ? [
          { value: "T-0001-aaaa", hint: "fix the parser" },
          { value: "T-0002-bbbb", hint: "write docs" },
        ]
      : [{ value: "claude-sonnet-4-6" }, { value: "claude-opus-4-6" }, { value: "gpt-5" }],
  files: async (query, limit) => {
    const { fuzzyFilter } = await import("./fuzzy.ts");
    return fuzzyFilter(query, FILES, limit);
  },
  dirNames: async (dir) =>
    dir === "src/" ? ["parser.ts", "printer.ts", "util/"] : dir === "./" ? [".git/", "src/"] : [],
};

const values = async (text: string, cursor = text.length) =>
  (await complete(bufferOf(text, cursor), sources))?.items.map((i) => i.value);

describe("completion", () => {
  test("slash commands come from the registry, with their help", async () => {
    const c = await complete(bufferOf("/mo"), sources);
    expect(c?.items.map((i) => i.value)).toEqual(["/model", "/mode"]);
    expect(c?.items[0]?.hint).toBe(SLASH_COMMANDS.model!.help);
    expect(await values("/")).toEqual(Object.keys(SLASH_COMMANDS).map((n) => `/${n}`));
    // No prefix match: the letters in order.
    expect(await values("/thds")).toEqual(["/threads"]);
  });

  test("arguments: fixed choices, models, thread ids by fragment or title", async () => {
    expect(await values("/mode a")).toEqual(["ask", "auto"]);
    expect(await values("/mode au")).toEqual(["auto"]);
    expect(await values("/mode re")).toEqual(["read-only"]);
    expect(await values("/model claude-o")).toEqual(["claude-opus-4-6"]);
    expect(await values("/resume ")).toEqual(["T-0001-aaaa", "T-0002-bbbb"]);
    expect(await values("/resume bbbb")).toEqual(["T-0002-bbbb"]);
    expect(await values("/resume parser")).toEqual(["T-0001-aaaa"]);
    // A command without argument choices offers nothing.
    expect(await values("/cost x")).toBeUndefined();
  });

  test("@ mentions are fuzzy over the workspace's files; a path with spaces is quoted", async () => {
    const c = await complete(bufferOf("look at @prs"), sources);
    expect(c).toMatchObject({ start: 8, end: 12, fuzzy: true });
    expect(c?.items[0]?.value).toBe("@src/parser.ts");
    expect(await values("see @guide")).toEqual(['@"docs/my guide.md"']);
    expect(mentionOf("a b/c")).toBe('@"a b/c"');
  });

  test("plain paths complete from their directory; dot files only when asked", async () => {
    expect(await values("cat src/p")).toEqual(["src/parser.ts", "src/printer.ts"]);
    expect(await values("cat ./")).toEqual(["./src/"]);
    expect(await values("cat ./.g")).toEqual(["./.git/"]);
    expect(await values("!ls src/u")).toEqual(["src/util/"]);
    expect(await values("just words")).toBeUndefined();
  });

  test("the common prefix Tab inserts before showing the menu", () => {
    expect(commonPrefix(["/model", "/mode"])).toBe("/mode");
    expect(commonPrefix(["abc", "xyz"])).toBe("");
    expect(commonPrefix([])).toBe("");
  });
});
