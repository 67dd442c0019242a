/**
 * What a plugin may do = what its manifest asks for ∩ what the user granted (config grants, or
 * consent asked on first use in interactive mode; non-interactive without a grant = denied).
 */
import { isInside, resolveInWorkspace } from "../tools/workspace-path.ts";
import type { PluginManifest, PluginPermissions } from "./manifest.ts";

export interface EffectivePermissions {
  /** Workspace-relative path prefixes; "." is the whole workspace. */
  read: string[];
  write: string[];
  exec: boolean;
  network: string[];
  env: string[];
}

export type PermissionKind = keyof EffectivePermissions;

/** One permission a plugin asks for, as shown to the user. */
export interface PermissionRequest {
  kind: PermissionKind;
  values: string[];
}

/** Asks the user whether `plugin` may use `permission`; resolves true to grant it for this session. */
export type AskConsent = (plugin: string, permission: PermissionRequest) => Promise<boolean>;

export const NO_PERMISSIONS: EffectivePermissions = {
  read: [],
  write: [],
  exec: false,
  network: [],
  env: [],
};

const KINDS: PermissionKind[] = ["read", "write", "exec", "network", "env"];

function norm(p: string): string {
  const parts = p.split(/[\\/]+/).filter((x) => x !== "" && x !== ".");
  return parts.length === 0 ? "." : parts.join("/");
}

function pathWithin(inner: string, outer: string): boolean {
  const a = norm(inner);
  const b = norm(outer);
  return b === "." || a === b || a.startsWith(`${b}/`);
}

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  if (p === "*") return true;
  if (p.startsWith("*.")) return h.endsWith(p.slice(1));
  return h === p;
}

/** Declared ∩ granted for one kind. Paths intersect as prefixes; hosts by pattern; env by name. */
function intersect(kind: PermissionKind, declared: string[], granted: string[]): string[] {
  if (kind === "read" || kind === "write") {
    const out = new Set<string>();
    for (const d of declared) {
      for (const g of granted) {
        if (pathWithin(d, g)) out.add(norm(d));
        else if (pathWithin(g, d)) out.add(norm(g));
      }
    }
    return [...out];
  }
  if (kind === "network") return declared.filter((d) => granted.some((g) => d === g || hostMatches(d, g)));
  return declared.filter((d) => granted.includes(d));
}

function listOf(p: PluginPermissions | undefined, kind: PermissionKind): string[] {
  if (kind === "exec") return p?.exec ? ["exec"] : [];
  return p?.[kind] ?? [];
}

/**
 * Resolves the effective permissions of a plugin. For each permission the manifest declares
 * beyond the grant, `askConsent` (when given) is asked once; a yes grants what was declared.
 */
export async function resolvePermissions(
  manifest: PluginManifest,
  grant: PluginPermissions | undefined,
  askConsent?: AskConsent,
): Promise<EffectivePermissions> {
  const out: EffectivePermissions = { ...NO_PERMISSIONS };
  for (const kind of KINDS) {
    const declared = listOf(manifest.permissions, kind);
    if (declared.length === 0) continue;
    let allowed = intersect(kind, declared, listOf(grant, kind));
    if (
      allowed.length < declared.length &&
      askConsent &&
      (await askConsent(manifest.name, { kind, values: declared }))
    ) {
      allowed = declared.map((d) => (kind === "read" || kind === "write" ? norm(d) : d));
    }
    if (kind === "exec") out.exec = allowed.length > 0;
    else out[kind] = allowed;
  }
  return out;
}

/** Everything the manifest declares (first-party built-ins are trusted with what they declare). */
export function declaredPermissions(manifest: PluginManifest): EffectivePermissions {
  const p = manifest.permissions;
  return {
    read: (p?.read ?? []).map(norm),
    write: (p?.write ?? []).map(norm),
    exec: p?.exec ?? false,
    network: p?.network ?? [],
    env: p?.env ?? [],
  };
}

/** Whether canonical absolute path `abs` lies under one of the workspace-relative `prefixes`. */
export function pathAllowed(canonicalRoot: string, prefixes: string[], abs: string): boolean {
  return prefixes.some((prefix) => {
    if (prefix === ".") return isInside(canonicalRoot, abs);
    try {
      return isInside(resolveInWorkspace(canonicalRoot, prefix), abs);
    } catch {
      return false;
    }
  });
}
