/**
 * Undo snapshots. Before the agent first changes the workspace in a turn we record the tree
 * ("pre"); after each round of tools we record it again ("post") as a commit whose parent is pre,
 * under a hidden ref `refs/loom/snapshots/<thread>/<turn>`. Trees are written through a temporary
 * GIT_INDEX_FILE, so the user's branch, index and stash are never touched. Outside a git
 * repository the same happens in a private repository under the data dir, keyed by a hash of
 * the workspace path.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoomError } from "../errors.ts";
import { findRepo, type GitOptions, git, gitText, type RepoInfo, snapshotIdentity } from "./git.ts";
import { restoreEntry, type UndoResult } from "./restore.ts";

export type { UndoResult };

export const REF_PREFIX = "refs/loom/snapshots";

export interface ChangedFile {
  path: string;
  /** A added, M modified, D deleted, T type change (relative to the pre-turn state). */
  status: string;
}

export interface UndoEntry {
  ref: string;
  threadId: string;
  turn: number;
  /** Commit holding the post-turn tree; its parent holds the pre-turn tree. */
  commit: string;
  pre: string;
  createdAt: string;
  summary: string;
  files: ChangedFile[];
}

/** Where snapshots of a workspace live and how git must be called to reach them. */
export interface SnapshotTarget {
  /** Top of the tree git sees (repo root, or the workspace for the private store). */
  workTree: string;
  workspace: string;
  env: Record<string, string>;
  /** Index copied into the temporary index before `git add -A`, to reuse its stat cache. */
  seedIndex?: string;
  /** True when snapshots live in Loom's own repository (workspace not in git). */
  isPrivate: boolean;
}

const PRIVATE_EXCLUDES = [
  "node_modules/",
  ".git/",
  "dist/",
  "build/",
  "target/",
  ".venv/",
  "__pycache__/",
  "*.log",
];

/**
 * Where `workspace`'s snapshots go. `known` is its repository when the caller has read it already
 * (null: not in a repository), so a session looks at git once.
 */
export function resolveTarget(workspace: string, dataDir: string, known?: RepoInfo | null): SnapshotTarget {
  const repo = known === undefined ? findRepo(workspace) : (known ?? undefined);
  if (repo) {
    return {
      workTree: repo.root,
      workspace,
      env: {},
      seedIndex: join(repo.gitDir, "index"),
      isPrivate: false,
    };
  }
  // Bun.CryptoHasher, not node:crypto: importing that loads Node's stream code (~5 ms at start-up).
  const key = new Bun.CryptoHasher("sha256").update(workspace).digest("hex").slice(0, 16);
  const gitDir = join(dataDir, "snapshots", `${key}.git`);
  const env = { GIT_DIR: gitDir, GIT_WORK_TREE: workspace };
  if (!existsSync(join(gitDir, "HEAD"))) {
    mkdirSync(gitDir, { recursive: true, mode: 0o700 });
    git(["init", "-q", "--bare", gitDir], { cwd: workspace });
    git(["config", "core.bare", "false"], { cwd: workspace, env });
    mkdirSync(join(gitDir, "info"), { recursive: true });
    writeFileSync(join(gitDir, "info", "exclude"), `${PRIVATE_EXCLUDES.join("\n")}\n`);
    writeFileSync(join(gitDir, "loom-workspace"), `${workspace}\n`);
  }
  return { workTree: workspace, workspace, env, seedIndex: join(gitDir, "loom-index"), isPrivate: true };
}

function opts(t: SnapshotTarget, extra: Partial<GitOptions> = {}): GitOptions {
  return { cwd: t.workspace, ...extra, env: { ...t.env, ...extra.env } };
}

/** Writes the current workspace tree into the object store; returns the tree id. */
export function snapshotTree(t: SnapshotTarget): string {
  const index = join(tmpdir(), `loom-index-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    if (t.seedIndex && existsSync(t.seedIndex)) copyFileSync(t.seedIndex, index);
    const o = opts(t, { env: { GIT_INDEX_FILE: index } });
    git(["add", "-A", "--ignore-errors", "--", "."], { ...o, allowFail: true });
    const tree = gitText(["write-tree"], o);
    if (t.isPrivate && t.seedIndex) copyFileSync(index, t.seedIndex);
    return tree;
  } finally {
    rmSync(index, { force: true });
  }
}

function commitTree(t: SnapshotTarget, tree: string, message: string, parent?: string): string {
  const args = ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message];
  return gitText(args, opts(t, { env: snapshotIdentity }));
}

function changedFiles(t: SnapshotTarget, pre: string, post: string): ChangedFile[] {
  const out = gitText(["diff-tree", "-r", "--no-renames", "--name-status", "-z", pre, post], opts(t));
  const parts = out.split("\0").filter((p) => p !== "");
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2)
    files.push({ status: parts[i] ?? "M", path: parts[i + 1] ?? "" });
  return files;
}

export function listEntries(t: SnapshotTarget, threadId?: string): UndoEntry[] {
  const prefix = threadId ? `${REF_PREFIX}/${threadId}/` : `${REF_PREFIX}/`;
  const fmt = "%(refname)%09%(objectname)%09%(creatordate:iso-strict)%09%(contents:subject)";
  const out = gitText(["for-each-ref", `--format=${fmt}`, prefix], opts(t));
  const entries: UndoEntry[] = [];
  for (const line of out.split("\n")) {
    const [ref, commit, createdAt, summary] = line.split("\t");
    const m = ref?.slice(REF_PREFIX.length + 1).match(/^(T-[0-9a-f-]{36})\/(\d+)$/);
    if (!m || !ref || !commit) continue;
    const pre = gitText(["rev-parse", `${commit}^`], opts(t));
    entries.push({
      ref,
      threadId: m[1] ?? "",
      turn: Number(m[2]),
      commit,
      pre,
      createdAt: createdAt ?? "",
      summary: summary ?? "",
      files: changedFiles(t, pre, commit),
    });
  }
  return entries.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.turn - a.turn);
}

export interface Snapshots {
  readonly target: SnapshotTarget;
  /** Records the pre-turn tree once per turn (call before the first mutating tool). */
  begin(): void;
  /** Records the post tree; returns the turn's entry, or undefined when nothing changed. */
  commit(summary: string): UndoEntry | undefined;
  /** Closes the turn: the next `begin` starts a new entry. */
  endTurn(): void;
  list(): UndoEntry[];
  /** Restores the files changed in the newest entry and drops it. */
  undo(options?: { force?: boolean }): UndoResult;
}

export function createSnapshots(init: {
  workspace: string;
  dataDir: string;
  threadId: string;
  /** The workspace's repository if already read (null: none); read here when absent. */
  repo?: RepoInfo | null;
}): Snapshots {
  const target = resolveTarget(init.workspace, init.dataDir, init.repo);
  let pending: { pre: string; preTree: string; turn: number } | undefined;

  return {
    target,
    begin() {
      if (pending) return;
      const preTree = snapshotTree(target);
      const turn = Math.max(0, ...listEntries(target, init.threadId).map((e) => e.turn)) + 1;
      pending = { preTree, turn, pre: commitTree(target, preTree, `loom pre-turn ${init.threadId} ${turn}`) };
    },
    commit(summary) {
      if (!pending) return undefined;
      const tree = snapshotTree(target);
      const ref = `${REF_PREFIX}/${init.threadId}/${pending.turn}`;
      if (tree === pending.preTree) {
        git(["update-ref", "-d", ref], opts(target, { allowFail: true }));
        return undefined;
      }
      const subject = summary.split("\n")[0]?.slice(0, 200) || `turn ${pending.turn}`;
      const commit = commitTree(target, tree, subject, pending.pre);
      git(["update-ref", ref, commit], opts(target));
      return {
        ref,
        threadId: init.threadId,
        turn: pending.turn,
        commit,
        pre: pending.pre,
        createdAt: new Date().toISOString(),
        summary: subject,
        files: changedFiles(target, pending.pre, commit),
      };
    },
    endTurn() {
      pending = undefined;
    },
    list() {
      return listEntries(target, init.threadId);
    },
    undo(o = {}) {
      return undoLatest(target, init.threadId, o);
    },
  };
}

/** Restores the newest entry (of one thread, or of any thread when none is given) and drops it. */
export function undoLatest(
  t: SnapshotTarget,
  threadId: string | undefined,
  o: { force?: boolean } = {},
): UndoResult {
  const entry = listEntries(t, threadId)[0];
  if (!entry) throw new LoomError("NOT_FOUND", "nothing to undo");
  const result = restoreEntry(t, entry, o.force ?? false);
  if (result.conflicts.length === 0 || o.force) git(["update-ref", "-d", entry.ref], opts(t));
  return result;
}
