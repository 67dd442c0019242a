/**
 * Puts the files an undo entry changed back to their pre-turn content. A file the user changed
 * after the agent (its content is no longer what the agent left) is a conflict: nothing is
 * restored unless forced, so undo never silently throws away the user's own edits.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { git, gitText } from "./git.ts";
import type { SnapshotTarget, UndoEntry } from "./snapshots.ts";

export interface UndoResult {
  entry: UndoEntry;
  /** Files written back to their pre-turn content. */
  restored: string[];
  /** Files the agent created, now removed. */
  removed: string[];
  /** Files changed since the agent left them; untouched unless forced. */
  conflicts: string[];
}

interface TreeItem {
  mode: string;
  sha: string;
}

function lsTree(t: SnapshotTarget, commit: string, paths: string[]): Map<string, TreeItem> {
  const items = new Map<string, TreeItem>();
  if (paths.length === 0) return items;
  const out = gitText(["ls-tree", "-z", "--full-tree", commit, "--", ...paths], {
    cwd: t.workTree,
    env: t.env,
  });
  for (const rec of out.split("\0")) {
    const m = rec.match(/^(\d+) \w+ ([0-9a-f]+)\t(.*)$/s);
    if (m?.[3]) items.set(m[3], { mode: m[1] ?? "100644", sha: m[2] ?? "" });
  }
  return items;
}

/** Object ids of the files as they are now (undefined when absent). */
function currentIds(t: SnapshotTarget, paths: string[]): Map<string, string | undefined> {
  const ids = new Map<string, string | undefined>();
  const present = paths.filter((p) => {
    const abs = join(t.workTree, p);
    const exists = existsSync(abs) || isSymlink(abs);
    if (!exists) ids.set(p, undefined);
    return exists;
  });
  if (present.length > 0) {
    const out = gitText(["hash-object", "--", ...present], { cwd: t.workTree, env: t.env }).split("\n");
    for (const [i, p] of present.entries()) ids.set(p, out[i]);
  }
  return ids;
}

function isSymlink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

export function restoreEntry(t: SnapshotTarget, entry: UndoEntry, force: boolean): UndoResult {
  const paths = entry.files.map((f) => f.path);
  const before = lsTree(t, entry.pre, paths);
  const after = lsTree(t, entry.commit, paths);
  const now = currentIds(t, paths);
  const conflicts = paths.filter((p) => now.get(p) !== after.get(p)?.sha);
  const result: UndoResult = { entry, restored: [], removed: [], conflicts };
  if (conflicts.length > 0 && !force) return result;

  for (const p of paths) {
    const abs = join(t.workTree, p);
    const item = before.get(p);
    if (!item) {
      rmSync(abs, { force: true });
      pruneEmptyDirs(t.workTree, dirname(abs));
      result.removed.push(p);
      continue;
    }
    const blob = git(["cat-file", "blob", item.sha], { cwd: t.workTree, env: t.env }).stdout;
    mkdirSync(dirname(abs), { recursive: true });
    if (isSymlink(abs) || item.mode === "120000") rmSync(abs, { force: true });
    if (item.mode === "120000") symlinkSync(blob.toString("utf8"), abs);
    else {
      writeFileSync(abs, blob);
      chmodSync(abs, item.mode === "100755" ? 0o755 : 0o644);
    }
    result.restored.push(p);
  }
  return result;
}

function pruneEmptyDirs(root: string, dir: string): void {
  for (let d = dir, i = 0; i < 256 && relative(root, d) && !relative(root, d).startsWith(".."); i++) {
    try {
      if (readdirSync(d).length > 0) return;
      rmdirSync(d);
    } catch {
      return;
    }
    d = dirname(d);
  }
}
