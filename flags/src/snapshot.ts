/**
 * From stored definitions to what evaluation reads: one environment's rules per flag, each marked
 * with the active kill switch that turns it off (a switch names flags, and kills a flag of its own
 * key too). A flag without settings for the environment is off there.
 */
import type { FlagDefinition, FlagRules, FlagSnapshot, KillSwitch } from "./types.ts";

/** The first active switch that turns `flagKey` off, or null. */
export function killerOf(flagKey: string, switches: readonly KillSwitch[]): string | null {
  for (const s of switches) if (s.active && (s.key === flagKey || s.flags.includes(flagKey))) return s.key;
  return null;
}

export function rulesFor(
  def: FlagDefinition & { version: number },
  environment: string,
  switches: readonly KillSwitch[],
): FlagRules {
  const env = def.environments[environment];
  return {
    key: def.key,
    kind: def.kind,
    variants: def.variants,
    offVariant: def.offVariant,
    prerequisites: def.prerequisites,
    enabled: env?.enabled ?? false,
    rules: env?.rules ?? [],
    defaultVariant: env?.defaultVariant ?? def.offVariant,
    killedBy: killerOf(def.key, switches),
    version: def.version,
  };
}

export function snapshotOf(
  defs: readonly (FlagDefinition & { version: number })[],
  switches: readonly KillSwitch[],
  environment: string,
): FlagSnapshot {
  const flags: FlagSnapshot["flags"] = {};
  for (const d of defs) flags[d.key] = rulesFor(d, environment, switches);
  return { environment, flags, killSwitches: switches.map(publicSwitch) };
}

/** The snapshot with kill switches replaced (a switch turned on or off): `killedBy` recomputed. */
export function withKillSwitches(s: FlagSnapshot, switches: readonly KillSwitch[]): FlagSnapshot {
  const flags: FlagSnapshot["flags"] = {};
  for (const [k, f] of Object.entries(s.flags)) flags[k] = { ...f, killedBy: killerOf(k, switches) };
  return { environment: s.environment, flags, killSwitches: switches.map(publicSwitch) };
}

/** A switch as SDKs see it (no row ids or org). */
export function publicSwitch(s: KillSwitch): KillSwitch {
  return {
    key: s.key,
    description: s.description,
    flags: s.flags,
    active: s.active,
    reason: s.reason,
    activatedAt: s.activatedAt,
    activatedBy: s.activatedBy,
  };
}
