/**
 * The flag editor's working copy and its live preview: the draft is evaluated with the same
 * evaluator the server and SDKs use (`@loom/flags/evaluate`), against the org's other flags and
 * kill switches, so the preview shows what the rules would serve before they are saved.
 */
import { evaluate } from "@loom/flags/evaluate";
import { snapshotOf } from "@loom/flags/snapshot";
import type {
  Evaluation,
  EvaluationContext,
  FlagDefinition,
  KillSwitch,
  Operator,
  Rule,
} from "@loom/flags/types";

export type Draft = FlagDefinition & { version: number };

export const OPERATOR_LABELS: Record<Operator, string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  starts_with: "starts with",
  ends_with: "ends with",
  regex: "matches regex",
  in: "is one of",
  not_in: "is none of",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  semver_eq: "version =",
  semver_gt: "version >",
  semver_gte: "version ≥",
  semver_lt: "version <",
  semver_lte: "version ≤",
};

export function newRule(variant: string): Rule {
  return { conditions: [{ attribute: "", operator: "equals", value: "" }], variant };
}

/** A condition's value as typed: lists split on commas, numbers for numeric operators. */
export function parseValue(operator: Operator, text: string): string | number | (string | number)[] {
  if (operator === "in" || operator === "not_in")
    return text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (["gt", "gte", "lt", "lte"].includes(operator) && text.trim() !== "" && Number.isFinite(Number(text)))
    return Number(text);
  return text;
}

export function valueText(v: string | number | (string | number)[]): string {
  return Array.isArray(v) ? v.join(", ") : String(v);
}

/** The preview: the draft in `environment` for the context typed as JSON (or the reason it cannot run). */
export function preview(
  draft: Draft,
  others: Draft[],
  switches: KillSwitch[],
  environment: string,
  contextJson: string,
  now = Date.now(),
): { ok: true; result: Evaluation } | { ok: false; error: string } {
  let context: EvaluationContext;
  try {
    const parsed = JSON.parse(contextJson || "{}") as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return { ok: false, error: "the context must be a JSON object" };
    context = parsed as EvaluationContext;
  } catch {
    return { ok: false, error: "the context is not valid JSON" };
  }
  const defs = [...others.filter((f) => f.key !== draft.key), draft];
  return { ok: true, result: evaluate(snapshotOf(defs, switches, environment), draft.key, context, now) };
}
