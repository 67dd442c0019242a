/**
 * What a flag definition must satisfy beyond its JSON shape, as one-line messages: key format, the
 * variants a flag names exist (a boolean flag has exactly `on: true` and `off: false`), percentages,
 * schedule instants, regular expressions that parse and cannot backtrack catastrophically
 * (`regex-hazard.ts`), versions that parse, and prerequisites without cycles.
 */
import { compileRegex, parseVersion } from "./conditions.ts";
import { regexHazard } from "./regex-hazard.ts";
import {
  ENVIRONMENT_PATTERN,
  FLAG_KEY,
  FLAG_KEY_MAX,
  FLAG_KEY_MIN,
  type FlagDefinition,
  type Rule,
} from "./types.ts";

const ENV = new RegExp(ENVIRONMENT_PATTERN);

export function checkFlagKey(key: string, what = "flag key"): string | null {
  if (key.length < FLAG_KEY_MIN || key.length > FLAG_KEY_MAX)
    return `${what} "${key.slice(0, 120)}" must be ${FLAG_KEY_MIN}–${FLAG_KEY_MAX} characters`;
  if (!FLAG_KEY.test(key))
    return `${what} "${key}" must be lower-case words of a-z, 0-9 and _ joined by dots (e.g. checkout.new_flow)`;
  return null;
}

function checkRule(rule: Rule, where: string, variants: Set<string>): string | null {
  if (!variants.has(rule.variant)) return `${where}: unknown variant "${rule.variant}"`;
  if (rule.percentage !== undefined && !(rule.percentage >= 0 && rule.percentage <= 100))
    return `${where}: percentage must be 0–100`;
  for (const [name, v] of Object.entries(rule.schedule ?? {}))
    if (v !== undefined && Number.isNaN(Date.parse(v)))
      return `${where}: schedule ${name} "${v}" is not an instant`;
  const { from, until } = rule.schedule ?? {};
  if (from && until && Date.parse(from) >= Date.parse(until))
    return `${where}: schedule from must be before until`;
  for (const [i, c] of rule.conditions.entries()) {
    const at = `${where} condition ${i + 1}`;
    if (!c.attribute) return `${at}: attribute is empty`;
    const list = Array.isArray(c.value);
    if (list && c.operator !== "in" && c.operator !== "not_in")
      return `${at}: ${c.operator} takes one value, not a list`;
    if (c.operator === "regex") {
      const hazard = typeof c.value === "string" ? regexHazard(c.value) : null;
      if (hazard) return `${at}: "${String(c.value).slice(0, 80)}" ${hazard}`;
      if (typeof c.value !== "string" || c.value.length > 500 || compileRegex(c.value) === null)
        return `${at}: "${String(c.value).slice(0, 80)}" is not a regular expression`;
    }
    if (c.operator.startsWith("semver_") && (typeof c.value !== "string" || parseVersion(c.value) === null))
      return `${at}: "${String(c.value)}" is not a semantic version`;
    if (["gt", "gte", "lt", "lte"].includes(c.operator) && !Number.isFinite(Number(c.value)))
      return `${at}: "${String(c.value)}" is not a number`;
  }
  return null;
}

/** The first problem with a definition, or null. */
export function checkDefinition(def: FlagDefinition): string | null {
  const keyError = checkFlagKey(def.key);
  if (keyError) return keyError;
  const variants = new Set(def.variants.map((v) => v.key));
  if (variants.size !== def.variants.length) return "variant keys must be unique";
  if (def.kind === "boolean") {
    const on = def.variants.find((v) => v.key === "on");
    const off = def.variants.find((v) => v.key === "off");
    if (def.variants.length !== 2 || on?.value !== true || off?.value !== false)
      return 'a boolean flag has exactly the variants "on" (true) and "off" (false)';
  } else if (def.variants.length < 1) return "a multi-variant flag needs at least one variant";
  if (!variants.has(def.offVariant)) return `offVariant "${def.offVariant}" is not a variant`;
  for (const p of def.prerequisites) {
    const e = checkFlagKey(p.flag, "prerequisite");
    if (e) return e;
    if (p.flag === def.key) return `${def.key} cannot be its own prerequisite`;
  }
  for (const [env, cfg] of Object.entries(def.environments)) {
    if (!ENV.test(env)) return `environment "${env}" must match ${ENVIRONMENT_PATTERN}`;
    if (!variants.has(cfg.defaultVariant))
      return `${env}: defaultVariant "${cfg.defaultVariant}" is not a variant`;
    for (const [i, rule] of cfg.rules.entries()) {
      const e = checkRule(rule, `${env} rule ${i + 1}`, variants);
      if (e) return e;
    }
  }
  return null;
}

/**
 * A prerequisite cycle through `key` once its prerequisites become `next`, as `a → b → a`, or null.
 * `prereqsOf` answers the stored flags' prerequisites.
 */
export function findCycle(key: string, next: string[], prereqsOf: (k: string) => string[]): string | null {
  const path: string[] = [key];
  const seen = new Set<string>();
  const walk = (deps: string[]): boolean => {
    for (const d of deps) {
      path.push(d);
      if (d === key) return true;
      if (!seen.has(d)) {
        seen.add(d);
        if (walk(prereqsOf(d))) return true;
      }
      path.pop();
    }
    return false;
  };
  return walk(next) ? path.join(" → ") : null;
}
