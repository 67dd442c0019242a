/**
 * Loom feature flags as plain data, shared by the server (storage, routes, SSE), the evaluator, the
 * OpenFeature provider and the web UI's live preview. specs/flags.md describes every field.
 */

/** `checkout.new_flow`: lower-case words joined by dots, 3–100 characters. */
export const FLAG_KEY_PATTERN = "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$";
export const FLAG_KEY = new RegExp(FLAG_KEY_PATTERN);
export const FLAG_KEY_MIN = 3;
export const FLAG_KEY_MAX = 100;
/** Environment names (the `{env}` of an SDK key): `dev`, `prod`, `staging2`. */
export const ENVIRONMENT_PATTERN = "^[a-z][a-z0-9]{0,19}$";
/** Every org has these; a flag may configure more. */
export const DEFAULT_ENVIRONMENTS = ["dev", "prod"] as const;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const OPERATORS = [
  "equals",
  "not_equals",
  "contains",
  "starts_with",
  "ends_with",
  "regex",
  "in",
  "not_in",
  "gt",
  "gte",
  "lt",
  "lte",
  "semver_eq",
  "semver_gt",
  "semver_gte",
  "semver_lt",
  "semver_lte",
] as const;
export type Operator = (typeof OPERATORS)[number];

/** One attribute test; `in`/`not_in` take a list, numeric and semver ones a single value. */
export interface Condition {
  attribute: string;
  operator: Operator;
  value: string | number | (string | number)[];
}

/**
 * A targeting rule: every condition must hold (attribute rules), the user's bucket must be below
 * `percentage` (rollout by `murmur3_32("<flag>.<targetingKey>") % 100`), and now must be inside
 * `schedule` (from inclusive, until exclusive). The first rule that holds serves its variant.
 */
export interface Rule {
  description?: string;
  conditions: Condition[];
  percentage?: number;
  schedule?: { from?: string; until?: string };
  variant: string;
}

export interface Variant {
  key: string;
  value: JsonValue;
}

/** A flag's settings in one environment. */
export interface EnvironmentConfig {
  enabled: boolean;
  rules: Rule[];
  /** Served when the flag is on and no rule holds. */
  defaultVariant: string;
}

/** Flag A only if flag B is on (or serves `variant`). */
export interface Prerequisite {
  flag: string;
  variant?: string;
}

export type FlagKind = "boolean" | "multivariate";

/** A flag as stored and edited: every environment's settings. */
export interface FlagDefinition {
  key: string;
  kind: FlagKind;
  description: string;
  variants: Variant[];
  /** Served when the flag is off: disabled, killed, or a prerequisite not met. */
  offVariant: string;
  prerequisites: Prerequisite[];
  environments: Record<string, EnvironmentConfig>;
}

/** A kill switch: while active, each flag it names (and a flag of its own key) is off everywhere. */
export interface KillSwitch {
  key: string;
  description: string;
  flags: string[];
  active: boolean;
  reason: string | null;
  activatedAt: string | null;
  activatedBy: string | null;
}

/** One flag resolved for one environment: what a server SDK key receives and evaluates locally. */
export interface FlagRules {
  key: string;
  kind: FlagKind;
  variants: Variant[];
  offVariant: string;
  prerequisites: Prerequisite[];
  enabled: boolean;
  rules: Rule[];
  defaultVariant: string;
  /** The active kill switch turning this flag off, if any. */
  killedBy: string | null;
  version: number;
}

/** Every live flag of an org in one environment, keyed by flag key. */
export interface FlagSnapshot {
  environment: string;
  flags: Record<string, FlagRules>;
  killSwitches: KillSwitch[];
}

/** Who a flag is evaluated for: `targetingKey` buckets rollouts; other fields are attributes. */
export interface EvaluationContext {
  targetingKey?: string;
  [attribute: string]: unknown;
}

/** OpenFeature's reasons, plus `PREREQUISITE_FAILED`. */
export type Reason = "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "DISABLED" | "PREREQUISITE_FAILED" | "ERROR";
export type EvaluationErrorCode = "FLAG_NOT_FOUND" | "PARSE_ERROR" | "GENERAL";

export interface Evaluation {
  key: string;
  value: JsonValue;
  variant: string | null;
  reason: Reason;
  errorCode?: EvaluationErrorCode;
  errorMessage?: string;
  /** The kill switch that turned the flag off. */
  killSwitch?: string;
  /** Index of the rule that served the variant. */
  ruleIndex?: number;
}
