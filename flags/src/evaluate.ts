/**
 * Flag evaluation, pure: `evaluate(snapshot, key, context, now)` answers the variant, its value and
 * why. Order: a kill switch or a disabled environment serves the off variant; then prerequisites
 * (each must be on, else off); then the rules in order (attribute conditions, percentage rollout by
 * bucket, schedule window); else the environment's default variant. No I/O and no clock inside:
 * `now` is a parameter, so the same snapshot gives the same answer on the server, in the OpenFeature
 * provider and in the web UI's preview.
 * @example
 * evaluate(snapshot, "checkout.new_flow", { targetingKey: "user-42", plan: "pro" }, Date.now())
 */
import { bucketOf } from "./bucket.ts";
import { matches } from "./conditions.ts";
import type {
  Evaluation,
  EvaluationContext,
  FlagRules,
  FlagSnapshot,
  JsonValue,
  Reason,
  Rule,
} from "./types.ts";

/** Prerequisite chains longer than this are treated as a cycle (the server rejects cycles on write). */
export const MAX_PREREQUISITE_DEPTH = 16;

function variantValue(flag: FlagRules, variant: string): JsonValue {
  for (const v of flag.variants) if (v.key === variant) return v.value;
  return null;
}

function serve(flag: FlagRules, variant: string, reason: Reason, extra?: Partial<Evaluation>): Evaluation {
  return { key: flag.key, value: variantValue(flag, variant), variant, reason, ...extra };
}

/** On: a boolean flag serving `true`, a multi-variant flag serving anything but its off variant. */
export function isOn(flag: FlagRules, e: Evaluation): boolean {
  if (e.reason === "ERROR") return false;
  return flag.kind === "boolean" ? e.value === true : e.variant !== flag.offVariant;
}

export function inSchedule(s: Rule["schedule"], now: number): boolean {
  if (!s) return true;
  if (s.from !== undefined && now < Date.parse(s.from)) return false;
  if (s.until !== undefined && now >= Date.parse(s.until)) return false;
  return true;
}

export function evaluate(
  snapshot: FlagSnapshot,
  key: string,
  context: EvaluationContext,
  now: number,
  depth = 0,
): Evaluation {
  const flag = snapshot.flags[key];
  if (!flag)
    return {
      key,
      value: null,
      variant: null,
      reason: "ERROR",
      errorCode: "FLAG_NOT_FOUND",
      errorMessage: `flag ${key} not found`,
    };
  if (flag.killedBy !== null) return serve(flag, flag.offVariant, "DISABLED", { killSwitch: flag.killedBy });
  if (!flag.enabled) return serve(flag, flag.offVariant, "DISABLED");
  for (const p of flag.prerequisites) {
    const pre = snapshot.flags[p.flag];
    if (!pre || depth >= MAX_PREREQUISITE_DEPTH) return serve(flag, flag.offVariant, "PREREQUISITE_FAILED");
    const got = evaluate(snapshot, p.flag, context, now, depth + 1);
    const ok = p.variant !== undefined ? got.variant === p.variant : isOn(pre, got);
    if (!ok) return serve(flag, flag.offVariant, "PREREQUISITE_FAILED");
  }
  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as Rule;
    if (!inSchedule(rule.schedule, now)) continue;
    let all = true;
    for (const c of rule.conditions)
      if (!matches(c, context)) {
        all = false;
        break;
      }
    if (!all) continue;
    if (rule.percentage !== undefined) {
      const tk = context.targetingKey;
      if (typeof tk !== "string" || tk === "") continue;
      if (bucketOf(flag.key, tk) >= rule.percentage) continue;
      return serve(flag, rule.variant, "SPLIT", { ruleIndex: i });
    }
    return serve(flag, rule.variant, "TARGETING_MATCH", { ruleIndex: i });
  }
  return serve(flag, flag.defaultVariant, "DEFAULT");
}

/** Every flag of the snapshot for one context (what a client SDK key receives). */
export function evaluateAll(snapshot: FlagSnapshot, context: EvaluationContext, now: number): Evaluation[] {
  return Object.keys(snapshot.flags)
    .sort()
    .map((k) => evaluate(snapshot, k, context, now));
}
