import { expect, test } from "bun:test";
import { tsQuery } from "../db/pg/tsquery.ts";
import { ftsQuery } from "./fts.ts";
import { MAX_SEARCH_WORDS, searchWords } from "./search-words.ts";

test("words split on white space and control characters; a trailing * (not a lone one) is a prefix", () => {
  expect(searchWords('  fix\tlexer*\u0000crash\n* a"b ')).toEqual([
    { text: "fix", prefix: false },
    { text: "lexer", prefix: true },
    { text: "crash", prefix: false },
    { text: "*", prefix: false },
    { text: 'a"b', prefix: false },
  ]);
  expect(searchWords(" \u0001 ")).toEqual([]);
  expect(searchWords(Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "))).toHaveLength(MAX_SEARCH_WORDS);
});

test("both databases' queries are built from the same words", () => {
  expect(ftsQuery('fix lexer* a"b')).toBe('"fix" "lexer"* "a""b"');
  expect(tsQuery('fix lexer* a"b')).toBe("'fix' & 'lexer':* & 'a b'");
  expect(ftsQuery("fix/lexer-crash")).toBe('"fix/lexer-crash"');
  expect(tsQuery("fix/lexer-crash")).toBe("'fix lexer crash'");
  for (const q of ["", "  ", "\u0000"]) {
    expect(ftsQuery(q)).toBeUndefined();
    expect(tsQuery(q)).toBeUndefined();
  }
  expect(tsQuery('" ( * -')).toBeUndefined(); // separators only: nothing to find
});
