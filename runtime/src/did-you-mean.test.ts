import { expect, test } from "bun:test";
import { closest, didYouMean, distance } from "./did-you-mean.ts";

test("distance counts insertions, deletions and substitutions", () => {
  expect(distance("kitten", "sitting")).toBe(3);
  expect(distance("", "abc")).toBe(3);
  expect(distance("same", "same")).toBe(0);
});

test("closest finds typos, swapped letters included, nearest first", () => {
  expect(closest("rnu", ["run", "repl", "resume"])).toEqual(["run"]);
  expect(closest("thread", ["threads", "tools", "undo"])).toEqual(["threads"]);
  expect(closest("modle", ["model", "provider", "mode"])).toEqual(["model", "mode"]);
  expect(closest("claude-sonet-4-6", ["claude-sonnet-4-6", "claude-sonnet-4-5", "gpt-5"])).toEqual([
    "claude-sonnet-4-6",
    "claude-sonnet-4-5",
  ]);
  expect(closest("zzz", ["run", "repl"])).toEqual([]);
});

test("didYouMean renders the suggestion, or nothing", () => {
  expect(didYouMean("bsh", ["bash", "grep"])).toBe(" (did you mean bash?)");
  expect(didYouMean("rnu", ["run"], (c) => `loom ${c}`)).toBe(" (did you mean loom run?)");
  expect(didYouMean("local", ["claude-sonnet-4-6"])).toBe("");
});
