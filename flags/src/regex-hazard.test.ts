import { expect, test } from "bun:test";
import { regexHazard } from "./regex-hazard.ts";

test("nested unbounded quantifiers and backreferences are refused; ordinary patterns pass", () => {
  for (const bad of [
    "(a+)+$",
    "^(a*)*b",
    "(x+x+)+y",
    "((ab)*)+",
    "(?:\\d+\\.)+\\d+",
    "(a{2,})*",
    "(.*a){1,}",
    "(a{2,5})+$",
    "(a)\\1",
    "(?<x>a)\\k<x>",
  ])
    expect({ bad, hazard: regexHazard(bad) }).toEqual({
      bad,
      hazard: expect.any(String) as unknown as string,
    });
  for (const ok of [
    "^[a-z]+@acme\\.(io|com)$",
    "^(a|b)*$",
    "(ab)+",
    "a+b+c*",
    "^[(+*)]+$",
    "\\(a+\\)+",
    "(a{3})+",
    "(ab)*c{2,4}",
    "(a?)+",
    "^beta-\\d+$",
  ])
    expect({ ok, hazard: regexHazard(ok) }).toEqual({ ok, hazard: null });
});
