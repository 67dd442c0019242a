/**
 * Attribute tests for targeting rules. Values compare as strings (text operators), numbers (`gt`…),
 * or semantic versions (`semver_*`, the `semver` package; a value that is not a version never
 * matches). Compiled regular expressions and parsed versions are cached, so a rule costs a lookup.
 */
import { SemVer } from "semver";
import { regexHazard } from "./regex-hazard.ts";
import type { Condition, EvaluationContext } from "./types.ts";

const MAX_CACHE = 10_000;
const regexes = new Map<string, RegExp | null>();
const versions = new Map<string, SemVer | null>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined && !cache.has(key)) {
    if (cache.size >= MAX_CACHE) cache.clear();
    v = make();
    cache.set(key, v);
  }
  return v as T;
}

/** The pattern compiled (`u` flag); null when it does not parse or could backtrack catastrophically. */
export function compileRegex(source: string): RegExp | null {
  return remember(regexes, source, () => {
    // Written before the guard existed, or sent by a stale client: such a rule never matches.
    if (regexHazard(source)) return null;
    try {
      return new RegExp(source, "u");
    } catch {
      return null;
    }
  });
}

export function parseVersion(text: string): SemVer | null {
  return remember(versions, text, () => {
    try {
      return new SemVer(text, { loose: true });
    } catch {
      return null;
    }
  });
}

/** The attribute a condition names: `targetingKey` (alias `key`) or any context field. */
export function attributeOf(ctx: EvaluationContext, name: string): unknown {
  if (name === "key" && ctx.key === undefined) return ctx.targetingKey;
  return ctx[name];
}

const asText = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
const asNumber = (v: unknown): number | undefined => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

export function matches(c: Condition, ctx: EvaluationContext): boolean {
  const actual = attributeOf(ctx, c.attribute);
  const expected = c.value;
  switch (c.operator) {
    case "equals":
      return asText(actual) !== undefined && asText(actual) === asText(expected);
    case "not_equals":
      return asText(actual) !== asText(expected);
    case "contains": {
      const a = asText(actual);
      const e = asText(expected);
      return a !== undefined && e !== undefined && a.includes(e);
    }
    case "starts_with": {
      const a = asText(actual);
      const e = asText(expected);
      return a !== undefined && e !== undefined && a.startsWith(e);
    }
    case "ends_with": {
      const a = asText(actual);
      const e = asText(expected);
      return a !== undefined && e !== undefined && a.endsWith(e);
    }
    case "regex": {
      const a = asText(actual);
      const re = typeof expected === "string" ? compileRegex(expected) : null;
      return a !== undefined && re?.test(a) === true;
    }
    case "in":
    case "not_in": {
      const a = asText(actual);
      const list = Array.isArray(expected) ? expected : [expected];
      const found = a !== undefined && list.some((v) => String(v) === a);
      return c.operator === "in" ? found : !found;
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const a = asNumber(actual);
      const e = asNumber(expected);
      if (a === undefined || e === undefined) return false;
      return c.operator === "gt"
        ? a > e
        : c.operator === "gte"
          ? a >= e
          : c.operator === "lt"
            ? a < e
            : a <= e;
    }
    case "semver_eq":
    case "semver_gt":
    case "semver_gte":
    case "semver_lt":
    case "semver_lte": {
      const a = asText(actual);
      const e = asText(expected);
      const av = a === undefined ? null : parseVersion(a);
      const ev = e === undefined ? null : parseVersion(e);
      if (!av || !ev) return false;
      const cmp = av.compare(ev);
      switch (c.operator) {
        case "semver_eq":
          return cmp === 0;
        case "semver_gt":
          return cmp > 0;
        case "semver_gte":
          return cmp >= 0;
        case "semver_lt":
          return cmp < 0;
        default:
          return cmp <= 0;
      }
    }
    default: {
      const never: never = c.operator;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
}
