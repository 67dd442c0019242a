import { expect, test } from "bun:test";
import { wrapWords } from "./wrap.ts";

test("lines break between words, with a hanging indent, never inside a word", () => {
  expect(wrapWords("also: claude-opus-4-6, claude-sonnet-4-6, claude-haiku-4-5", 30, "  ")).toEqual([
    "also: claude-opus-4-6,",
    "  claude-sonnet-4-6,",
    "  claude-haiku-4-5",
  ]);
  expect(wrapWords("short", 30)).toEqual(["short"]);
  expect(wrapWords("a-very-long-single-word", 5)).toEqual(["a-very-long-single-word"]);
  for (const l of wrapWords("one two three four five six seven", 10, " "))
    expect(l.length).toBeLessThanOrEqual(10);
});
