/**
 * The workspace's files and directories for `@` completion: the fs plugin's gitignore-aware walk
 * (cached directory listings, so a rebuild costs one lstat per directory), built on the first `@`
 * and rebuilt in the background once older than `freshMs`, while the old list still answers.
 * A query that extends the previous one (the next keystroke) is matched only against the paths
 * the previous one matched.
 */
import { fuzzyRank } from "./fuzzy.ts";

export interface FileIndex {
  /** Best matches for `query` (workspace-relative; directories end in `/`). */
  search(query: string, limit: number): Promise<string[]>;
  /** Starts building, if not already built (the first `@` typed). */
  warm(): void;
  /** Resolves once a build in progress (if any) is done. */
  settled(): Promise<void>;
}

export interface FileIndexOptions {
  /** At most this many entries are indexed (a home directory opened as a workspace). */
  maxEntries?: number;
  freshMs?: number;
  now?: () => number;
}

interface Snapshot {
  paths: string[];
  lower: string[];
  builtAt: number;
  /** The last query and the indices of the paths it matched. */
  last?: { query: string; matched: Int32Array };
}

export async function listWorkspace(root: string, maxEntries = 500_000): Promise<string[]> {
  const { walk } = await import("@loom/plugin-fs/walk");
  const paths: string[] = [];
  await walk({
    root,
    start: "",
    recursive: true,
    visit(e) {
      paths.push(e.kind === "dir" ? `${e.rel}/` : e.rel);
      return paths.length < maxEntries;
    },
  });
  return paths;
}

export function createFileIndex(root: string, opts: FileIndexOptions = {}): FileIndex {
  const now = opts.now ?? Date.now;
  const freshMs = opts.freshMs ?? 10_000;
  let current: Snapshot | undefined;
  let building: Promise<Snapshot> | undefined;

  const build = (): Promise<Snapshot> => {
    building ??= listWorkspace(root, opts.maxEntries)
      .then(
        (paths) => ({ paths, lower: paths.map((p) => p.toLowerCase()), builtAt: now() }),
        () => ({ paths: [], lower: [], builtAt: now() }),
      )
      .then((s) => {
        current = s;
        building = undefined;
        return s;
      });
    return building;
  };

  return {
    warm() {
      if (!current) void build();
    },
    async settled() {
      await building;
    },
    async search(query, limit) {
      let snap = current ?? (await build());
      if (now() - snap.builtAt > freshMs) {
        void build();
        snap = current ?? snap;
      }
      const q = query.toLowerCase();
      const among = snap.last && q.startsWith(snap.last.query) ? snap.last.matched : undefined;
      const r = fuzzyRank(q, snap.paths, snap.lower, limit, among);
      snap.last = { query: q, matched: r.matched };
      return r.best.map((i) => snap.paths[i]!);
    },
  };
}
