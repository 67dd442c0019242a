/**
 * A flag definition from a create or update body: defaults filled in (a boolean flag's `on`/`off`
 * variants, `dev` and `prod` off), then checked (`@loom/flags/validate`) and its prerequisites must be
 * flags of the org with no cycle. Problems are 400s with one line.
 */
import type { FlagDefinition, JsonValue } from "@loom/flags/types";
import { DEFAULT_ENVIRONMENTS } from "@loom/flags/types";
import { checkDefinition, findCycle } from "@loom/flags/validate";
import type { Static } from "elysia";
import { HttpError } from "../http-error.ts";
import type { CreateFlagBody } from "./schema.ts";
import type { FlagStore } from "./store.ts";

type Body = Omit<Static<typeof CreateFlagBody>, "key">;

const BOOLEAN_VARIANTS = [
  { key: "on", value: true },
  { key: "off", value: false },
];

export function definitionOf(key: string, b: Body): FlagDefinition {
  const variants = (b.variants ?? (b.kind === "boolean" ? BOOLEAN_VARIANTS : [])).map((v) => {
    if (v.value === undefined)
      throw new HttpError(400, "INVALID_INPUT", `variant ${v.key}: value is missing`);
    return { key: v.key, value: v.value as JsonValue };
  });
  const offVariant = b.offVariant ?? (b.kind === "boolean" ? "off" : (variants[0]?.key ?? ""));
  const onVariant = b.kind === "boolean" ? "on" : offVariant;
  const environments =
    b.environments ??
    Object.fromEntries(
      DEFAULT_ENVIRONMENTS.map((e) => [e, { enabled: false, rules: [], defaultVariant: onVariant }]),
    );
  return {
    key,
    kind: b.kind,
    description: b.description ?? "",
    variants,
    offVariant,
    prerequisites: b.prerequisites ?? [],
    environments,
  };
}

export async function checkAgainstOrg(store: FlagStore, orgId: string, def: FlagDefinition): Promise<void> {
  const problem = checkDefinition(def);
  if (problem) throw new HttpError(400, "INVALID_INPUT", problem);
  if (def.prerequisites.length === 0) return;
  const all = await store.listFlags(orgId, { archived: true });
  const byKey = new Map(all.map((f) => [f.key, f]));
  for (const p of def.prerequisites) {
    const pre = byKey.get(p.flag);
    if (!pre) throw new HttpError(400, "INVALID_INPUT", `prerequisite ${p.flag} is not a flag of this org`);
    if (p.variant !== undefined && !pre.variants.some((v) => v.key === p.variant))
      throw new HttpError(400, "INVALID_INPUT", `prerequisite ${p.flag} has no variant "${p.variant}"`);
  }
  const cycle = findCycle(
    def.key,
    def.prerequisites.map((p) => p.flag),
    (k) => byKey.get(k)?.prerequisites.map((p) => p.flag) ?? [],
  );
  if (cycle) throw new HttpError(400, "INVALID_INPUT", `prerequisites would make a cycle: ${cycle}`);
}
