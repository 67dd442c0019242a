import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { bucketOf, murmur3_32 } from "./bucket.ts";
import { evaluate, evaluateAll } from "./evaluate.ts";
import type { Condition, FlagRules, FlagSnapshot, Rule } from "./types.ts";
import { checkDefinition, checkFlagKey, findCycle } from "./validate.ts";

const bool = (key: string, o: Partial<FlagRules> = {}): FlagRules => ({
  key,
  kind: "boolean",
  variants: [
    { key: "on", value: true },
    { key: "off", value: false },
  ],
  offVariant: "off",
  prerequisites: [],
  enabled: true,
  rules: [],
  defaultVariant: "off",
  killedBy: null,
  version: 1,
  ...o,
});
const snap = (...flags: FlagRules[]): FlagSnapshot => ({
  environment: "prod",
  flags: Object.fromEntries(flags.map((f) => [f.key, f])),
  killSwitches: [],
});
const NOW = Date.parse("2026-12-03T12:00:00Z");
const cond = (attribute: string, operator: Condition["operator"], value: Condition["value"]): Rule => ({
  conditions: [{ attribute, operator, value }],
  variant: "on",
});
const on = (r: Rule, ctx: Record<string, unknown>) =>
  evaluate(snap(bool("f.x", { rules: [r] })), "f.x", ctx, NOW).value;

describe("murmur3_32", () => {
  test("matches the reference implementation's vectors (x86_32)", () => {
    expect(murmur3_32("")).toBe(0);
    expect(murmur3_32("", 1)).toBe(0x514e28b7);
    expect(murmur3_32("", 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3_32("hello")).toBe(0x248bfa47);
    expect(murmur3_32("The quick brown fox jumps over the lazy dog")).toBe(0x2e4ff723);
    expect(murmur3_32("Hello, world!", 1234)).toBe(0xfaf6cdb3);
  });
  test("bucket is murmur3_32(`<flag>.<key>`) % 100", () => {
    expect(bucketOf("f.x", "user-1")).toBe(murmur3_32("f.x.user-1") % 100);
  });
});

describe("attribute rules", () => {
  const cases: [Rule, Record<string, unknown>, boolean][] = [
    [cond("plan", "equals", "pro"), { plan: "pro" }, true],
    [cond("plan", "equals", "pro"), { plan: "free" }, false],
    [cond("plan", "equals", "pro"), {}, false],
    [cond("plan", "not_equals", "pro"), { plan: "free" }, true],
    [cond("plan", "not_equals", "pro"), { plan: "pro" }, false],
    [cond("email", "contains", "@acme"), { email: "a@acme.io" }, true],
    [cond("email", "contains", "@acme"), { email: "a@other.io" }, false],
    [cond("email", "starts_with", "admin"), { email: "admin@x" }, true],
    [cond("email", "starts_with", "admin"), { email: "x@admin" }, false],
    [cond("email", "ends_with", ".io"), { email: "a@b.io" }, true],
    [cond("email", "ends_with", ".io"), { email: "a@b.com" }, false],
    [cond("email", "regex", "^[a-z]+@acme\\.(io|com)$"), { email: "bob@acme.com" }, true],
    [cond("email", "regex", "^[a-z]+@acme\\.(io|com)$"), { email: "bob@acme.org" }, false],
    // Stored before the ReDoS guard: it would match, but is never run.
    [cond("name", "regex", "^(a+)+$"), { name: "aaaa" }, false],
    [cond("country", "in", ["fr", "de"]), { country: "de" }, true],
    [cond("country", "in", ["fr", "de"]), { country: "us" }, false],
    [cond("country", "not_in", ["fr", "de"]), { country: "us" }, true],
    [cond("country", "not_in", ["fr", "de"]), { country: "fr" }, false],
    [cond("age", "gt", 18), { age: 19 }, true],
    [cond("age", "gt", 18), { age: 18 }, false],
    [cond("age", "gte", 18), { age: 18 }, true],
    [cond("age", "lt", 18), { age: "17" }, true],
    [cond("age", "lte", 18), { age: 19 }, false],
    [cond("age", "gt", 18), { age: "old" }, false],
    [cond("version", "semver_gte", "1.2.0"), { version: "1.10.0" }, true],
    [cond("version", "semver_gte", "1.2.0"), { version: "1.1.9" }, false],
    [cond("version", "semver_gt", "1.2.0"), { version: "1.2.0" }, false],
    [cond("version", "semver_lt", "2.0.0"), { version: "2.0.0-beta.1" }, true],
    [cond("version", "semver_lte", "2.0.0"), { version: "2.0.0" }, true],
    [cond("version", "semver_eq", "2.0.0"), { version: "v2.0.0" }, true],
    [cond("version", "semver_gt", "1.0.0"), { version: "not-a-version" }, false],
    [cond("key", "equals", "u1"), { targetingKey: "u1" }, true],
  ];
  for (const [rule, ctx, want] of cases)
    test(`${rule.conditions[0]?.operator} ${JSON.stringify(rule.conditions[0]?.value)} on ${JSON.stringify(ctx)} → ${want}`, () => {
      expect(on(rule, ctx)).toBe(want);
    });
  test("every condition of a rule must hold; the first rule that holds wins", () => {
    const f = bool("f.x", {
      rules: [
        {
          conditions: [
            { attribute: "plan", operator: "equals", value: "pro" },
            { attribute: "age", operator: "gt", value: 30 },
          ],
          variant: "off",
        },
        cond("plan", "equals", "pro"),
      ],
      defaultVariant: "off",
    });
    expect(evaluate(snap(f), "f.x", { plan: "pro", age: 40 }, NOW)).toMatchObject({
      value: false,
      reason: "TARGETING_MATCH",
      ruleIndex: 0,
    });
    expect(evaluate(snap(f), "f.x", { plan: "pro", age: 20 }, NOW)).toMatchObject({
      value: true,
      ruleIndex: 1,
    });
    expect(evaluate(snap(f), "f.x", { plan: "free" }, NOW)).toMatchObject({
      value: false,
      reason: "DEFAULT",
    });
  });
});

describe("rollout, schedule, prerequisites, kill switch", () => {
  const rollout = (p: number) =>
    bool("beta.search", { rules: [{ conditions: [], percentage: p, variant: "on" }] });
  test("percentage rollout serves the users whose bucket is below it", () => {
    for (const user of ["a", "b", "c", "user-42", "🙂"]) {
      const b = bucketOf("beta.search", user);
      expect(evaluate(snap(rollout(b + 1)), "beta.search", { targetingKey: user }, NOW)).toMatchObject({
        value: true,
        reason: "SPLIT",
      });
      expect(evaluate(snap(rollout(b)), "beta.search", { targetingKey: user }, NOW).value).toBe(false);
    }
    expect(evaluate(snap(rollout(100)), "beta.search", {}, NOW).value).toBe(false); // no key, no bucket
  });
  test("property: a user's answer is stable and monotone in the percentage", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (user, p, q) => {
          fc.pre(user !== "");
          const at = (pct: number) =>
            evaluate(snap(rollout(pct)), "beta.search", { targetingKey: user }, NOW).value;
          expect(at(p)).toBe(at(p));
          if (p <= q && at(p) === true) expect(at(q)).toBe(true);
        },
      ),
    );
  });
  test("property: a rollout of p % serves about p % of many users", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (p) => {
        let served = 0;
        for (let i = 0; i < 2000; i++)
          if (evaluate(snap(rollout(p)), "beta.search", { targetingKey: `u${i}` }, NOW).value === true)
            served++;
        expect(Math.abs(served / 20 - p)).toBeLessThan(5);
      }),
      { numRuns: 15 },
    );
  });
  test("a schedule is on from its start (inclusive) until its end (exclusive)", () => {
    const f = bool("f.x", {
      rules: [
        {
          conditions: [],
          schedule: { from: "2026-12-01T00:00:00Z", until: "2026-12-04T00:00:00Z" },
          variant: "on",
        },
      ],
    });
    expect(evaluate(snap(f), "f.x", {}, Date.parse("2026-11-30T23:59:59Z")).value).toBe(false);
    expect(evaluate(snap(f), "f.x", {}, Date.parse("2026-12-01T00:00:00Z")).value).toBe(true);
    expect(evaluate(snap(f), "f.x", {}, NOW).value).toBe(true);
    expect(evaluate(snap(f), "f.x", {}, Date.parse("2026-12-04T00:00:00Z")).value).toBe(false);
  });
  test("prerequisites: A only if B is on (or serves the named variant)", () => {
    const b = bool("flag.b", { defaultVariant: "on" });
    const a = bool("flag.a", { defaultVariant: "on", prerequisites: [{ flag: "flag.b" }] });
    expect(evaluate(snap(a, b), "flag.a", {}, NOW)).toMatchObject({ value: true, reason: "DEFAULT" });
    expect(evaluate(snap(a, { ...b, enabled: false }), "flag.a", {}, NOW)).toMatchObject({
      value: false,
      reason: "PREREQUISITE_FAILED",
    });
    expect(evaluate(snap(a), "flag.a", {}, NOW)).toMatchObject({
      value: false,
      reason: "PREREQUISITE_FAILED",
    });
    const multi: FlagRules = {
      ...bool("flag.m"),
      kind: "multivariate",
      variants: [
        { key: "red", value: "r" },
        { key: "blue", value: "b" },
      ],
      offVariant: "red",
      defaultVariant: "blue",
    };
    const wantsRed = bool("flag.c", {
      defaultVariant: "on",
      prerequisites: [{ flag: "flag.m", variant: "red" }],
    });
    expect(evaluate(snap(wantsRed, multi), "flag.c", {}, NOW).value).toBe(false);
    expect(evaluate(snap(wantsRed, { ...multi, defaultVariant: "red" }), "flag.c", {}, NOW).value).toBe(true);
    // A cycle that reached a snapshot anyway ends in the off variant, not a stack overflow.
    const x = bool("cyc.x", { defaultVariant: "on", prerequisites: [{ flag: "cyc.y" }] });
    const y = bool("cyc.y", { defaultVariant: "on", prerequisites: [{ flag: "cyc.x" }] });
    expect(evaluate(snap(x, y), "cyc.x", {}, NOW).value).toBe(false);
  });
  test("a kill switch turns the flag off whatever its rules; disabled serves the off variant", () => {
    const f = bool("f.x", { defaultVariant: "on", rules: [cond("plan", "equals", "pro")] });
    expect(evaluate(snap({ ...f, killedBy: "ops.panic" }), "f.x", { plan: "pro" }, NOW)).toMatchObject({
      value: false,
      reason: "DISABLED",
      killSwitch: "ops.panic",
    });
    expect(evaluate(snap({ ...f, enabled: false }), "f.x", { plan: "pro" }, NOW)).toMatchObject({
      value: false,
      reason: "DISABLED",
    });
  });
  test("an unknown flag is FLAG_NOT_FOUND; multi-variant flags serve JSON payloads", () => {
    expect(evaluate(snap(), "no.such", {}, NOW)).toMatchObject({
      reason: "ERROR",
      errorCode: "FLAG_NOT_FOUND",
      value: null,
    });
    const m: FlagRules = {
      ...bool("ui.theme"),
      kind: "multivariate",
      variants: [
        { key: "a", value: { color: "red", size: 2 } },
        { key: "b", value: null },
      ],
      offVariant: "b",
      defaultVariant: "a",
    };
    expect(evaluateAll(snap(m), {}, NOW)).toEqual([
      { key: "ui.theme", value: { color: "red", size: 2 }, variant: "a", reason: "DEFAULT" },
    ]);
  });
});

describe("validation", () => {
  test("flag keys", () => {
    for (const k of ["abc", "checkout.new_flow", "tool.bash.disabled", "a1_.b2"])
      expect(checkFlagKey(k)).toBeNull();
    for (const k of ["ab", "Abc", "1abc", "a..b", "a.", ".a", "a-b", "a.1b", "x".repeat(101)])
      expect(checkFlagKey(k)).not.toBeNull();
  });
  test("definitions: variants, rules, prerequisites", () => {
    const def = {
      key: "f.x",
      kind: "boolean" as const,
      description: "",
      variants: bool("f.x").variants,
      offVariant: "off",
      prerequisites: [],
      environments: { prod: { enabled: true, rules: [], defaultVariant: "off" } },
    };
    expect(checkDefinition(def)).toBeNull();
    expect(
      checkDefinition({
        ...def,
        variants: [
          { key: "on", value: 1 },
          { key: "off", value: false },
        ],
      }),
    ).toContain("boolean");
    expect(
      checkDefinition({
        ...def,
        environments: { prod: { enabled: true, rules: [cond("a", "regex", "(")], defaultVariant: "off" } },
      }),
    ).toContain("regular expression");
    // A pattern that can backtrack catastrophically is refused, and never evaluated if stored anyway.
    expect(
      checkDefinition({
        ...def,
        environments: {
          prod: { enabled: true, rules: [cond("a", "regex", "^(a+)+$")], defaultVariant: "off" },
        },
      }),
    ).toBe(
      'prod rule 1 condition 1: "^(a+)+$" nests repeating quantifiers (like (a+)+), which can take exponential time',
    );
    expect(
      checkDefinition({
        ...def,
        environments: {
          prod: { enabled: true, rules: [cond("a", "semver_gt", "one")], defaultVariant: "off" },
        },
      }),
    ).toContain("semantic version");
    expect(
      checkDefinition({
        ...def,
        environments: {
          prod: {
            enabled: true,
            rules: [{ conditions: [], percentage: 101, variant: "on" }],
            defaultVariant: "off",
          },
        },
      }),
    ).toContain("0–100");
    expect(
      checkDefinition({
        ...def,
        environments: {
          prod: { enabled: true, rules: [{ conditions: [], variant: "maybe" }], defaultVariant: "off" },
        },
      }),
    ).toContain("unknown variant");
    expect(
      checkDefinition({
        ...def,
        environments: { "Prod!": { enabled: true, rules: [], defaultVariant: "off" } },
      }),
    ).toContain("environment");
    expect(checkDefinition({ ...def, prerequisites: [{ flag: "f.x" }] })).toContain("own prerequisite");
  });
  test("cycles through the new prerequisites are found", () => {
    const stored: Record<string, string[]> = { "b.b": ["c.c"], "c.c": ["a.a"], "d.d": [] };
    const of = (k: string) => stored[k] ?? [];
    expect(findCycle("a.a", ["b.b"], of)).toBe("a.a → b.b → c.c → a.a");
    expect(findCycle("a.a", ["d.d"], of)).toBeNull();
  });
});
