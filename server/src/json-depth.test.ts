import { describe, expect, test } from "bun:test";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./json-depth.ts";

const nested = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

describe("nestsDeeperThan", () => {
  test("counts arrays and objects inside one another, up to the limit inclusive", () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1,{"c":[]}]}}', 5)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[1,{"c":[]}]}}', 4)).toBe(true);
    expect(nestsDeeperThan(nested(100_000), MAX_JSON_DEPTH)).toBe(true);
  });

  test("siblings do not add up: depth falls when a bracket closes", () => {
    expect(nestsDeeperThan(`[${Array(1000).fill("[[]]").join(",")}]`, 3)).toBe(false);
  });

  test("brackets inside strings, escaped quotes included, do not count", () => {
    expect(nestsDeeperThan(JSON.stringify({ s: "[".repeat(500) }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ s: `\\"${"{".repeat(500)}` }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify(["\\", [[]]]), 2)).toBe(true);
  });
});
