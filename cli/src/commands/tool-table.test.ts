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
