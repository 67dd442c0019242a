/**
 * Gitignore-aware directory walk shared by list_files, glob and grep. In-process, no spawn:
 * synchronous, cached readdir per directory (fastest under Bun; see dir-cache.ts), yielding to the
 * event loop every few hundred directories so a long walk neither starves other work nor ignores
 * cancellation. `.git` is never entered; symlinks are reported, never followed.
 */
import { join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { type DirEntry, type DirEntryKind, listDir } from "./dir-cache.ts";
import { type IgnoreLayer, isIgnored, readIgnoreLayer } from "./gitignore.ts";

export interface WalkEntry {
  /** Workspace-relative path with `/` separators (absolute: `${root}/${rel}`). */
  rel: string;
  kind: DirEntryKind;
}

export interface WalkOptions {
  /** Canonical workspace root. */
  root: string;
  /** Workspace-relative directory to start from ("" for the root). */
  start: string;
  recursive: boolean;
  signal?: AbortSignal;
  /** Clock for the listing caches' racy-change rule (tests move it forward). */
  now?: () => number;
  /** Called for every entry not ignored; return `false` to stop the walk. */
  visit(entry: WalkEntry): boolean | undefined;
}

const YIELD_EVERY_DIRS = 256;

export async function walk(opts: WalkOptions): Promise<void> {
  const stack: { rel: string; layers: IgnoreLayer[] }[] = [{ rel: opts.start, layers: ancestorLayers(opts) }];
  if (opts.signal?.aborted) throw new LoomError("TOOL_CANCELLED", "the call was cancelled");
  const now = opts.now ?? Date.now;
  let dirs = 0;
  while (stack.length > 0) {
    const { rel, layers: parentLayers } = stack.pop()!;
    if (++dirs % YIELD_EVERY_DIRS === 0) {
      await new Promise((r) => setImmediate(r));
      if (opts.signal?.aborted) throw new LoomError("TOOL_CANCELLED", "the call was cancelled");
    }
    const abs = rel === "" ? opts.root : `${opts.root}/${rel}`;
    const entries = listDir(abs, now());
    if (entries === undefined) continue; // vanished or unreadable directory: skip, as git and ripgrep do
    const info = infoOf(entries);
    let layers = parentLayers;
    if (info.hasGitignore) {
      const own = readIgnoreLayer(opts.root, abs, rel, ".gitignore", now());
      if (own) layers = [...parentLayers, own];
    }
    const subdirs: string[] = [];
    for (const e of keptEntries(info, entries, rel, layers)) {
      const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
      if (opts.visit({ rel: childRel, kind: e.kind }) === false) return;
      if (e.kind === "dir" && opts.recursive) subdirs.push(childRel);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ rel: subdirs[i]!, layers });
  }
}

/**
 * What a walk derived from one directory listing. Cached listings are the same array while the
 * directory is unchanged, so this rides along in a WeakMap; the ignore filtering is reused as long
 * as the same (unchanged, hence identical) layers apply.
 */
interface ListingInfo {
  hasGitignore: boolean;
  filtered?: { layers: IgnoreLayer[]; kept: DirEntry[] };
}

const infos = new WeakMap<DirEntry[], ListingInfo>();

function infoOf(entries: DirEntry[]): ListingInfo {
  let info = infos.get(entries);
  if (info === undefined) {
    info = { hasGitignore: entries.some((e) => e.name === ".gitignore") };
    infos.set(entries, info);
  }
  return info;
}

function keptEntries(info: ListingInfo, entries: DirEntry[], rel: string, layers: IgnoreLayer[]): DirEntry[] {
  const f = info.filtered;
  if (f && f.layers.length === layers.length && f.layers.every((l, i) => l === layers[i])) return f.kept;
  const kept = entries.filter(
    (e) =>
      e.name !== ".git" &&
      !(layers.length > 0 && isIgnored(layers, rel === "" ? e.name : `${rel}/${e.name}`, e.kind === "dir")),
  );
  info.filtered = { layers, kept };
  return kept;
}

/** The root's `.git/info/exclude` and every `.gitignore` from the root down to (not including) `start`. */
function ancestorLayers(opts: WalkOptions): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  const exclude = readIgnoreLayer(opts.root, join(opts.root, ".git", "info"), "", "exclude");
  if (exclude) layers.push(exclude);
  const parts = opts.start === "" ? [] : opts.start.split("/");
  for (let i = 0; i < parts.length; i++) {
    const rel = parts.slice(0, i).join("/");
    const layer = readIgnoreLayer(opts.root, rel === "" ? opts.root : join(opts.root, rel), rel);
    if (layer) layers.push(layer);
  }
  return layers;
}

/** Whether `rel` or one of its ancestor directories is ignored (for walks that start below the root). */
export function isPathIgnored(root: string, rel: string): boolean {
  if (rel === "") return false;
  const parts = rel.split("/");
  const layers: IgnoreLayer[] = [];
  const exclude = readIgnoreLayer(root, join(root, ".git", "info"), "", "exclude");
  if (exclude) layers.push(exclude);
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join("/");
    const layer = readIgnoreLayer(root, dir === "" ? root : join(root, dir), dir);
    if (layer) layers.push(layer);
    if (parts[i] === ".git" || isIgnored(layers, parts.slice(0, i + 1).join("/"), true)) return true;
  }
  return false;
}
