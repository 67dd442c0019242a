import { expect, test } from "bun:test";
import { createMarkdownStream, type MarkdownBlock } from "./markdown-stream.ts";

/** Feeds `text` in pieces of `size` characters; returns the blocks after each push, then the flush. */
function feed(text: string, size: number): { steps: MarkdownBlock[][]; rest: MarkdownBlock[] } {
  const s = createMarkdownStream();
  const steps: MarkdownBlock[][] = [];
  for (let i = 0; i < text.length; i += size) steps.push(s.push(text.slice(i, i + size)));
  return { steps, rest: s.flush() };
}
const sources = (r: { steps: MarkdownBlock[][]; rest: MarkdownBlock[] }) =>
  [...r.steps.flat(), ...r.rest].map((b) => b.source);

test("a paragraph comes out at its blank line, not before", () => {
  const s = createMarkdownStream();
  expect(s.push("Hello wor")).toEqual([]);
  expect(s.push("ld.\nmore of it")).toEqual([]);
  expect(s.push("\n\nNext")).toEqual([{ source: "Hello world.\nmore of it", gap: false }]);
  expect(s.flush()).toEqual([{ source: "Next", gap: true }]);
  expect(s.flush()).toEqual([]);
});

test("the same blocks whatever the delta boundaries", () => {
  const text =
    "# Title\nIntro *text*.\n\n- one\n- two\n\n  still two\n- three\n\nAfter the list.\n\n```ts\nconst a = `x\n\ny`;\n```\n| a | b |\n|---|---|\n| 1 | 2 |\nnot a row\n\n---\nend";
  const whole = sources(feed(text, text.length));
  expect(whole).toEqual([
    "# Title",
    "Intro *text*.",
    "- one\n- two\n\n  still two\n- three",
    "After the list.",
    "```ts\nconst a = `x\n\ny`;\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "not a row",
    "---",
    "end",
  ]);
  for (const size of [1, 2, 3, 7, 13]) expect(sources(feed(text, size))).toEqual(whole);
});

test("a heading is out as soon as its line ends; gaps follow the source's blank lines", () => {
  const s = createMarkdownStream();
  expect(s.push("## Plan\n")).toEqual([{ source: "## Plan", gap: false }]);
  expect(s.push("Step one.\n\n")).toEqual([{ source: "Step one.", gap: false }]);
  expect(s.push("Step two.\n\n")).toEqual([{ source: "Step two.", gap: true }]);
});

test("fenced code waits for its closing fence; blank lines inside do not end it", () => {
  const s = createMarkdownStream();
  expect(s.push("```py\ndef f():\n\n    return 1\n")).toEqual([]);
  expect(s.push("~~~\n")).toEqual([]);
  expect(s.push("```\n")).toEqual([{ source: "```py\ndef f():\n\n    return 1\n~~~\n```", gap: false }]);
});

test("a long code block streams in fenced chunks; an unclosed one is closed at the end", () => {
  const s = createMarkdownStream();
  const lines = Array.from({ length: 90 }, (_, i) => `line ${i}`);
  const out = s.push(`\`\`\`js\n${lines.join("\n")}\n`);
  expect(out).toHaveLength(2);
  for (const b of out) {
    expect(b.source.startsWith("```js\n")).toBe(true);
    expect(b.source.endsWith("\n```")).toBe(true);
  }
  expect(out[0]!.source.split("\n")).toHaveLength(42);
  const rest = s.flush();
  expect(rest.map((b) => b.source)).toEqual([`\`\`\`js\n${lines.slice(80).join("\n")}\n\`\`\``]);
});

test("a setext heading joins its text; a rule after a paragraph ends it", () => {
  expect(sources(feed("Title\n===\nbody\n\n***\nx", 4))).toEqual(["Title\n===", "body", "***", "x"]);
});
