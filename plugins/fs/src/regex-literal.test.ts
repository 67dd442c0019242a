import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { requiredLiteral } from "./regex-literal.ts";

describe("requiredLiteral", () => {
  test.each([
    ["needle_\\d+", "needle_"],
    ["function\\s+(\\w+)", "function"],
    ["foo\\.bar", "foo.bar"],
    ["colou?r", "colo"],
    ["abcx*yz", "abc"],
    ["ab+cde", "cde"],
    ["^import .* from", "import "],
    ["(optional)?required", "required"],
    ["[abc]+defg", "defg"],
    ["\\bword\\b", "word"],
    ["x{2,3}yyy", "yyy"],
  ])("%s → %s", (re, lit) => {
    expect(requiredLiteral(re)).toBe(lit);
  });

  test.each([["a|bcd"], ["ab"], ["\\u0041bcd"], ["(abc"], ["[a-z]+"]])("%s → none", (re) => {
    expect(requiredLiteral(re)).toBeUndefined();
  });

  test("every match of the regex contains the literal", () => {
    const atom = fc.constantFrom("a", "b", "ab", "\\.", "\\d", "[ab]", "(ab)", ".", "c", "x");
    const quant = fc.constantFrom("", "", "?", "*", "+", "{1,2}");
    const regex = fc
      .array(fc.tuple(atom, quant), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.map(([a, q]) => a + q).join(""));
    const text = fc.string({ unit: fc.constantFrom("a", "b", "c", ".", "1", "x"), maxLength: 12 });
    fc.assert(
      fc.property(regex, text, (source, s) => {
        const lit = requiredLiteral(source);
        const m = new RegExp(source).exec(s);
        return lit === undefined || m === null || m[0].includes(lit);
      }),
      { numRuns: 2000 },
    );
  });
});
