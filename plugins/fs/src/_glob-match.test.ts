import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import picomatch from "picomatch";
import { globMatcher } from "./_glob-match.ts";

describe("globMatcher", () => {
  test("fast shapes agree with picomatch", () => {
    const seg = fc.constantFrom("src", "a", ".hidden", "b.ts", "x.test.ts", "file9.ts", "lib", "c.md");
    const path = fc.array(seg, { minLength: 1, maxLength: 5 }).map((s) => s.join("/"));
    const pattern = fc.constantFrom(
      "**/*.ts",
      "**/file9.ts",
      "src/**/*.ts",
      "src/**/b.ts",
      "**/*.test.ts",
      "**/{a,b}.ts",
      "a/b/**/*.md",
      "**/.hidden",
      "*.ts",
      "src/*.ts",
      "**",
      "**/a/**/*.ts",
    );
    fc.assert(
      fc.property(pattern, path, (p, s) => globMatcher([p])(s) === picomatch.isMatch(s, p, { dot: true })),
      { numRuns: 3000 },
    );
  });

  test("several patterns", () => {
    const m = globMatcher(["*.md", "src/**/*.ts"]);
    expect(m("README.md")).toBe(true);
    expect(m("src/a/b.ts")).toBe(true);
    expect(m("lib/b.ts")).toBe(false);
  });
});
