/**
 * Directory listings cached by (mtime, ctime, inode): a repeated walk costs one lstat per directory
 * instead of one readdir, which is what lets list/glob/grep stay fast on 100k-file trees.
 * A directory changed in the last RACY_MS is never cached: a second change within the same timestamp
 * tick would otherwise go unseen (git's "racy clean" rule).
 */
import { lstatSync, readdirSync } from "node:fs";

/** "other": FIFOs, sockets, devices — listed, never opened. */
export type DirEntryKind = "file" | "dir" | "symlink" | "other";

export interface DirEntry {
  name: string;
  kind: DirEntryKind;
}

interface CachedDir {
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  entries: DirEntry[];
}

export const RACY_MS = 2000;
const MAX_CACHED_DIRS = 200_000;
const cache = new Map<string, CachedDir>();

/** Sorted entries of `abs`, or undefined when it cannot be read. */
export function listDir(abs: string, now = Date.now()): DirEntry[] | undefined {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(abs);
  } catch {
    cache.delete(abs);
    return undefined;
  }
  const hit = cache.get(abs);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.ctimeMs === st.ctimeMs && hit.ino === st.ino)
    return hit.entries;
  let entries: DirEntry[];
  try {
    entries = readdirSync(abs, { withFileTypes: true }).map((e) => ({
      name: e.name,
      kind: e.isFile() ? "file" : e.isDirectory() ? "dir" : e.isSymbolicLink() ? "symlink" : "other",
    }));
  } catch {
    cache.delete(abs);
    return undefined;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (now - Math.max(st.mtimeMs, st.ctimeMs) > RACY_MS) {
    if (cache.size >= MAX_CACHED_DIRS) cache.clear();
    cache.set(abs, { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, entries });
  } else {
    cache.delete(abs);
  }
  return entries;
}

/** Drops every cached listing (tests; a caller that knows better). */
export function clearDirCache(): void {
  cache.clear();
}
