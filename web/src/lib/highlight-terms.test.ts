import { expect, test } from "bun:test";
import { highlightTerms, queryTerms } from "./highlight-terms.ts";

test("query words, without FTS operators, matched case-insensitively", () => {
  expect(queryTerms('Parser AND "hang"')).toEqual(["parser", "hang"]);
  expect(highlightTerms("The parser hangs; PARSER!", "parser hang")).toEqual([
    { text: "The ", match: false },
    { text: "parser", match: true },
    { text: " ", match: false },
    { text: "hang", match: true },
    { text: "s; ", match: false },
    { text: "PARSER", match: true },
    { text: "!", match: false },
  ]);
});

test("regex characters in the query are literal; an empty query marks nothing", () => {
  expect(highlightTerms("a.b", "")).toEqual([{ text: "a.b", match: false }]);
  expect(highlightTerms("x(y)", "(y")).toEqual([
    { text: "x(", match: false },
    { text: "y", match: true },
    { text: ")", match: false },
  ]);
});
