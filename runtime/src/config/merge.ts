/**
 * Layer merging with per-key provenance: tables deep-merge, arrays and scalars replace.
 * Layers are applied lowest first, so the last layer to set a key is where it came from.
 */
import { type ConfigSource, keyPath } from "./source.ts";

export type Table = Record<string, unknown>;

/** One layer's values and where each of its keys came from. */
export interface Layer {
  values: Table;
  sourceOf(segments: readonly string[]): ConfigSource;
}

export interface Merged {
  values: Table;
  /** Key path (`agent.model`) → source, for every table and value set. */
  origins: Map<string, ConfigSource>;
}

export function isTable(value: unknown): value is Table {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A layer whose every key has the same source (a file, the defaults). */
export function uniformLayer(values: Table, source: ConfigSource): Layer {
  return { values, sourceOf: () => source };
}

/** Merges `layers` (lowest precedence first) into a fresh table. Inputs are not modified. */
export function mergeLayers(layers: readonly Layer[]): Merged {
  const merged: Merged = { values: {}, origins: new Map() };
  for (const layer of layers) mergeInto(merged, merged.values, layer.values, [], layer);
  return merged;
}

function mergeInto(merged: Merged, target: Table, source: Table, path: string[], layer: Layer): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const segments = [...path, key];
    const current = Object.hasOwn(target, key) ? target[key] : undefined;
    if (isTable(value)) {
      if (!isTable(current)) {
        define(target, key, {});
        forget(merged.origins, segments);
      }
      merged.origins.set(keyPath(segments), layer.sourceOf(segments));
      mergeInto(merged, target[key] as Table, value, segments, layer);
    } else {
      define(target, key, Array.isArray(value) ? [...value] : value);
      forget(merged.origins, segments);
      merged.origins.set(keyPath(segments), layer.sourceOf(segments));
    }
  }
}

/** Own data property even for `__proto__`, so a config file cannot touch prototypes. */
function define(target: Table, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Drops origins at and below `segments` (the value there was replaced wholesale). */
function forget(origins: Map<string, ConfigSource>, segments: readonly string[]): void {
  const at = keyPath(segments);
  for (const key of origins.keys()) if (key === at || key.startsWith(`${at}.`)) origins.delete(key);
}
