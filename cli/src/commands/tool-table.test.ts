import { expect, test } from "bun:test";
import { toolTable } from "./tool-table.ts";

test("columns stay aligned whatever the length of tool and plugin names", () => {
  const lines = toolTable([
    { name: "read_file", plugin: "fs", mutating: false, description: "Reads a file\nmore" },
    {
      name: "summarise_everything",
      plugin: "a-very-long-plugin-name",
      mutating: true,
      description: "Summarises",
    },
    { name: "x", plugin: "edit", mutating: true, description: "" },
  ]);
  expect(lines).toEqual([
    "read_file             fs                               Reads a file",
    "summarise_everything  a-very-long-plugin-name  writes  Summarises",
    "x                     edit                     writes",
  ]);
  const column = (l: string, word: string) => l.indexOf(word);
  expect(column(lines[0]!, "fs")).toBe(column(lines[1]!, "a-very"));
  expect(column(lines[0]!, "Reads")).toBe(column(lines[1]!, "Summarises"));
});

test("names and descriptions from plugins and MCP servers lose their escape sequences", () => {
  const [line] = toolTable([
    {
      name: "t\x1b[2J",
      plugin: "mcp:x\x1b]0;y\x07",
      mutating: false,
      description: "Does \x1b]52;c;eA==\x07things",
    },
  ]);
  expect(line).toBe("t     mcp:x           Does things");
});
