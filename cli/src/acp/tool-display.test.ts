import { describe, expect, test } from "bun:test";
import type { Tool } from "@loom/runtime/tool";
import { toolCallStarted } from "./tool-display.ts";

const plugin = (mutating: boolean): Tool => ({
  name: "x",
  description: "",
  inputSchema: {},
  mutating,
  async invoke() {
    return { output: "" };
  },
});

describe("tool display", () => {
  test("each tool gets its kind and a title a person reads; paths become absolute locations", () => {
    const shown = (name: string, input: unknown, tool?: Tool) => {
      const c = toolCallStarted({ id: "1", name, input }, tool, "/w");
      return [c.kind, c.title, c.locations?.map((l) => l.path) ?? []];
    };
    expect(shown("read_file", { path: "src/a.ts" })).toEqual(["read", "Read src/a.ts", ["/w/src/a.ts"]]);
    expect(shown("edit_file", { path: "/w/b.ts", edits: [] })).toEqual(["edit", "Edit /w/b.ts", ["/w/b.ts"]]);
    expect(shown("bash", { command: "npm test\nand more" })).toEqual(["execute", "Run `npm test…`", []]);
    expect(shown("grep", { pattern: "TODO" })).toEqual(["search", "Search TODO", []]);
    expect(shown("glob", { pattern: "**/*.ts" })).toEqual(["search", "Search **/*.ts", []]);
    expect(shown("list_files", { path: "src" })[0]).toBe("search");
    expect(shown("web_search", { query: "bun sqlite" })).toEqual(["fetch", "Web search: bun sqlite", []]);
    expect(shown("oracle", { question: "why?" })[0]).toBe("think");
    // A plugin's tool: edit when it changes things, else other.
    expect(shown("deploy", {}, plugin(true))[0]).toBe("edit");
    expect(shown("lookup", {}, plugin(false))[0]).toBe("other");
  });
});
