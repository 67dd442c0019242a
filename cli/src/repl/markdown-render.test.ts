import { expect, test } from "bun:test";
import { renderMarkdown } from "./markdown-render.ts";
import { createStyle } from "./style.ts";

const plain = (src: string, width = 40) => renderMarkdown(src, { width, style: createStyle(false) });
const coloured = (src: string, width = 40) => renderMarkdown(src, { width, style: createStyle(true) });
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

test("without colour: no escape codes, structure kept (heading marks, bullets, code marks)", () => {
  const out = plain(
    "# Title\n\nSome **bold** and `code` and [a link](https://x.dev).\n\n- one\n- [x] done\n  1. sub",
  );
  expect(out.join("\n")).not.toContain("\x1b");
  expect(out).toEqual([
    "# Title",
    "",
    "Some bold and `code` and a link",
    "(https://x.dev).",
    "",
    "• one",
    "• ☑ done",
    "  1. sub",
  ]);
});

test("with colour: emphasis, code and links are styled, marks gone", () => {
  const [line] = coloured("*it* **bo** ~~no~~ `c` [t](u)", 80);
  expect(line).toBe(
    "\x1b[3mit\x1b[23m \x1b[1mbo\x1b[22m \x1b[9mno\x1b[29m \x1b[36mc\x1b[39m \x1b[34m\x1b[4mt\x1b[24m\x1b[39m \x1b[2m(u)\x1b[22m",
  );
  expect(coloured("# Big")).toEqual(["\x1b[1m\x1b[4mBig\x1b[24m\x1b[22m"]);
});

test("paragraphs wrap at the width, and a style open at a break is closed and reopened", () => {
  const out = coloured("**one two three four five six**", 20);
  expect(out.map(strip)).toEqual(["one two three four", "five six"]);
  expect(out[0]!.endsWith("\x1b[0m")).toBe(true);
  expect(out[1]!.startsWith("\x1b[1m")).toBe(true);
});

test("tables align their columns and wrap cells to fit the width", () => {
  const src =
    "| name | n | note |\n|:--|--:|:-:|\n| alpha | 1 | short |\n| b | 22 | a much longer note that wraps |";
  expect(plain(src, 80)).toEqual([
    "┌───────┬────┬───────────────────────────────┐",
    "│ name  │  n │             note              │",
    "├───────┼────┼───────────────────────────────┤",
    "│ alpha │  1 │             short             │",
    "│ b     │ 22 │ a much longer note that wraps │",
    "└───────┴────┴───────────────────────────────┘",
  ]);
  const narrow = plain(src, 30);
  for (const l of narrow) expect(Bun.stringWidth(l)).toBeLessThanOrEqual(30);
  expect(narrow.join("\n")).toContain("│ b     │ 22 │");
  expect(narrow.length).toBeGreaterThan(6);
});

test("fenced code is indented and highlighted by its language; unknown languages stay plain", () => {
  const out = coloured("```ts\nconst a = 1; // one\n```");
  expect(out).toEqual(["  \x1b[35mconst\x1b[39m a = \x1b[33m1\x1b[39m; \x1b[90m// one\x1b[39m"]);
  expect(coloured("```nosuchlang\nconst a = 1\n```")).toEqual(["  const a = 1"]);
  // Code is never wrapped or re-spaced.
  expect(plain("```\n  x  =   1\n```", 10)).toEqual(["    x  =   1"]);
});

test("ordered lists keep their start number; quotes and rules are marked", () => {
  expect(plain("3. three\n4. four\n\n> quoted\n\n---")).toEqual([
    "3. three",
    "4. four",
    "",
    "│ quoted",
    "",
    "─".repeat(40),
  ]);
});
