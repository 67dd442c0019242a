/**
 * `loom plugin outdated`, `loom plugin update [name]` and `loom plugin search <words>`: the
 * lockfile's registry entries against what the registry has now. Update moves a plugin to the
 * newest version its recorded range allows (never past it), with every check of install.
 */
import { LoomError } from "@loom/runtime/errors";
import { type LockEntry, readLock } from "@loom/runtime/plugins/lockfile";
import search from "libnpmsearch";
import semver from "semver";
import { fetchPackument, pickVersion } from "./plugin-fetch.ts";
import { type Installed, type InstallTarget, installPlugin } from "./plugin-install.ts";
import { PLUGIN_KEYWORD } from "./plugin-pack.ts";
import { type RegistryOptions, registryFailure, registryOptions } from "./plugin-registry.ts";

export interface Outdated {
  name: string;
  package: string;
  current: string;
  /** Newest version within the locked range. */
  wanted: string;
  latest: string;
  spec: string;
}

function registryEntries(target: InstallTarget, name?: string): Array<[string, LockEntry]> {
  const entries = Object.entries(readLock(target.lockFile).plugins);
  const picked = name ? entries.filter(([n, e]) => n === name || e.package === name) : entries;
  if (name && picked.length === 0)
    throw new LoomError("NOT_FOUND", `no plugin '${name}' in ${target.lockFile}`);
  return picked.filter(([, e]) => e.source === "registry");
}

export async function outdatedPlugins(target: InstallTarget, name?: string): Promise<Outdated[]> {
  const opts = target.registry ?? registryOptions();
  const out: Outdated[] = [];
  for (const [plugin, e] of registryEntries(target, name)) {
    const doc = await fetchPackument(e.package, opts);
    const wanted = pickVersion(doc, e.spec, e.package).version;
    const latest = doc["dist-tags"]?.["latest"] ?? wanted;
    out.push({ name: plugin, package: e.package, current: e.version, wanted, latest, spec: e.spec });
  }
  return out;
}

export interface Updated {
  name: string;
  from: string;
  /** Absent when already at the newest version in range. */
  to?: string;
  installed?: Installed;
}

export async function updatePlugins(target: InstallTarget, name?: string): Promise<Updated[]> {
  const out: Updated[] = [];
  for (const o of await outdatedPlugins(target, name)) {
    if (!semver.gt(o.wanted, o.current)) {
      out.push({ name: o.name, from: o.current });
      continue;
    }
    // Keep the range the user chose, not the exact version used to fetch.
    const installed = await installPlugin(`${o.package}@${o.wanted}`, target, { keepSpec: o.spec });
    out.push({ name: o.name, from: o.current, to: installed.version, installed });
  }
  return out;
}

export interface Found {
  name: string;
  version: string;
  description: string;
}

/** Packages with the `loom-plugin` keyword matching `words` on the configured registry. */
export async function searchPlugins(words: string[], opts: RegistryOptions): Promise<Found[]> {
  const run = async (text: string) => {
    try {
      return await search(text, { ...opts, limit: 50 } as Parameters<typeof search>[1]);
    } catch (e) {
      throw registryFailure(e, `searching '${words.join(" ")}'`, opts.registry);
    }
  };
  const qualified = await run([...words, `keywords:${PLUGIN_KEYWORD}`].join(" "));
  const hits = qualified.length > 0 ? qualified : await run(words.join(" "));
  // A registry that does not know the `keywords:` qualifier (verdaccio) finds nothing with it; the
  // plain words find every match there, so plugins are kept by their keyword here too.
  return hits
    .filter((h) => (h.keywords ?? []).includes(PLUGIN_KEYWORD))
    .map((h) => ({
      name: h.name,
      // verdaccio answers dist-tags instead of version
      version: h.version ?? (h as { "dist-tags"?: { latest?: string } })["dist-tags"]?.latest ?? "",
      description: h.description ?? "",
    }));
}
