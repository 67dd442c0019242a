import { expect, test } from "bun:test";
import { editDiffLines, renderDiff } from "./diff-view.ts";
import { highlightLines, languageFor } from "./highlight.ts";
import { createStyle } from "./style.ts";

const FILE = "import x from 'y';\n\nfunction a() {\n  return 1;\n}\n\nconst b = 2;\n";
const plain = createStyle(false);

test("lines are numbered where the snippet sits in the file; later snippets see earlier edits", () => {
  const input = {
    path: "src/a.ts",
    edits: [
      { old: "function a() {\n  return 1;\n}", new: "function a() {\n  // two\n  return 2;\n}" },
      { old: "const b = 2;", new: "const b = 3;" },
    ],
  };
  expect(renderDiff(input, FILE, plain)).toEqual([
    "4 -   return 1;",
    "4 +   // two",
    "5 +   return 2;",
    "8 - const b = 2;",
    "8 + const b = 3;",
  ]);
});

test("unchanged lines between changes stay as context; a new file counts from 1", () => {
  const input = { path: "a.py", edits: [{ old: "a = 1\nb = 2\nc = 3", new: "a = 10\nb = 2\nc = 30" }] };
  expect(editDiffLines(input, "a = 1\nb = 2\nc = 3\n")).toEqual([
    { kind: "-", no: 1, text: "a = 1" },
    { kind: "+", no: 1, text: "a = 10" },
    { kind: " ", no: 2, text: "b = 2" },
    { kind: "-", no: 3, text: "c = 3" },
    { kind: "+", no: 3, text: "c = 30" },
  ]);
  expect(renderDiff({ path: "n.txt", edits: [{ old: "", new: "one\ntwo" }] }, undefined, plain)).toEqual([
    "1 + one",
    "2 + two",
  ]);
});

test("without the file's text (unreadable, or the snippet not in it) the diff has no numbers", () => {
  const input = { path: "a", edits: [{ old: "draft", new: "final" }] };
  expect(renderDiff(input, undefined, plain)).toEqual(["- draft", "+ final"]);
  expect(renderDiff(input, "something else\n", plain)).toEqual(["- draft", "+ final"]);
  expect(renderDiff({ command: "ls" }, undefined, plain)).toBeUndefined();
});

test("a long diff is cut with a count, long lines too", () => {
  const big = {
    path: "a",
    edits: [{ old: "", new: Array.from({ length: 50 }, (_, i) => `l${i}`).join("\n") }],
  };
  const out = renderDiff(big, undefined, plain, undefined, 5)!;
  expect(out).toHaveLength(6);
  expect(out.at(-1)).toBe("… 45 more lines");
  const wide = renderDiff({ path: "a", edits: [{ old: "", new: "x".repeat(500) }] }, undefined, plain)!;
  expect(wide[0]!.length).toBeLessThan(210);
});

test("in colour: dim numbers, red and green signs, the code coloured by the file's language", () => {
  const hl = (code: string, path: string) => highlightLines(code, languageFor(path), true);
  const out = renderDiff(
    { path: "b.ts", edits: [{ old: "const b = 2;", new: "const b = 3;" }] },
    FILE,
    createStyle(true),
    hl,
  )!;
  expect(out).toEqual([
    "\x1b[2m7\x1b[22m \x1b[31m-\x1b[39m \x1b[2m\x1b[35mconst\x1b[39m b = \x1b[33m2\x1b[39m;\x1b[22m",
    "\x1b[2m7\x1b[22m \x1b[32m+\x1b[39m \x1b[35mconst\x1b[39m b = \x1b[33m3\x1b[39m;",
  ]);
});

test("a snippet that is part of a line shows the whole line, before and after", () => {
  const input = { path: "src/app.ts", edits: [{ old: "80", new: "8080" }] };
  expect(renderDiff(input, "// app\nexport const port = 80;\n", plain)).toEqual([
    "2 - export const port = 80;",
    "2 + export const port = 8080;",
  ]);
  // Unknown file: only the snippet can be shown.
  expect(renderDiff(input, undefined, plain)).toEqual(["- 80", "+ 8080"]);
});
