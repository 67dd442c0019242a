/**
 * A small synchronous git runner with a clean environment: inherited variables that point git at
 * another repository or index (a hook's GIT_DIR, GIT_INDEX_FILE…) are dropped so only the ones we
 * pass apply; the user's identity variables (GIT_AUTHOR_NAME…) are kept for auto-commits.
 */
import { LoomError } from "../errors.ts";
import { type RepoInfo, readRepo } from "./repo-reader.ts";

export type { RepoInfo };

export interface GitOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string | Uint8Array;
  /** Return the failure instead of throwing. */
  allowFail?: boolean;
}

export interface GitResult {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: "Loom",
  GIT_AUTHOR_EMAIL: "loom@localhost",
  GIT_COMMITTER_NAME: "Loom",
  GIT_COMMITTER_EMAIL: "loom@localhost",
};

const LOCATION_VARIABLES = new Set([
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
]);

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !LOCATION_VARIABLES.has(k)) env[k] = v;
  }
  return { ...env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", ...extra };
}

export function git(args: string[], opts: GitOptions): GitResult {
  const proc = Bun.spawnSync(["git", "-c", "core.quotepath=off", "-c", "gc.auto=0", ...args], {
    cwd: opts.cwd,
    env: cleanEnv(opts.env),
    stdin:
      opts.input === undefined
        ? "ignore"
        : typeof opts.input === "string"
          ? Buffer.from(opts.input)
          : opts.input,
    stdout: "pipe",
    stderr: "pipe",
  });
  const res = {
    ok: proc.exitCode === 0,
    stdout: proc.stdout ?? Buffer.alloc(0),
    stderr: proc.stderr?.toString() ?? "",
  };
  if (!res.ok && !opts.allowFail) {
    throw new LoomError("INTERNAL", `git ${args[0]} failed: ${res.stderr.trim().split("\n")[0] ?? ""}`);
  }
  return res;
}

export function gitText(args: string[], opts: GitOptions): string {
  return git(args, opts).stdout.toString("utf8").trim();
}

/** Environment for commits we make ourselves (snapshots): a fixed identity, no user config needed. */
export const snapshotIdentity: Record<string, string> = IDENTITY;

/**
 * The git repository containing `dir`, if any: read from its files (repo-reader.ts), with git's
 * own commands only for the cases that reader leaves to git. `env` is added to process.env, as
 * for `git()` (tests point HOME at a config of their own).
 */
export function findRepo(dir: string, env: Record<string, string> = {}): RepoInfo | undefined {
  const read = readRepo(dir, { ...process.env, ...env });
  if (read.kind === "none") return undefined;
  if (read.kind === "ask-git") return findRepoWithGit(dir, env);
  const info = read.info;
  if (read.remote === "ask-git") {
    const remote = originWithGit(dir, env);
    if (remote !== undefined) info.remote = remote;
  }
  if (info.remote !== undefined) info.remote = withoutCredentials(info.remote);
  return info;
}

/** The same answer from four git processes. */
export function findRepoWithGit(dir: string, env: Record<string, string> = {}): RepoInfo | undefined {
  const o = { cwd: dir, allowFail: true, env };
  const r = git(["rev-parse", "--show-toplevel", "--absolute-git-dir"], o);
  if (!r.ok) return undefined;
  const [root, gitDir] = r.stdout.toString("utf8").trim().split("\n");
  if (!root || !gitDir) return undefined;
  const info: RepoInfo = { root, gitDir };
  const branch = git(["symbolic-ref", "--short", "-q", "HEAD"], o);
  if (branch.ok) info.branch = branch.stdout.toString().trim();
  const head = git(["rev-parse", "-q", "--verify", "HEAD"], o);
  if (head.ok) info.commit = head.stdout.toString().trim();
  const remote = originWithGit(dir, env);
  if (remote !== undefined) info.remote = withoutCredentials(remote);
  return info;
}

function originWithGit(dir: string, env: Record<string, string>): string | undefined {
  const remote = git(["remote", "get-url", "origin"], { cwd: dir, allowFail: true, env });
  return remote.ok ? remote.stdout.toString().trim() : undefined;
}

/** A remote URL can carry a token (https://user:token@host/…); keep only host and path. */
function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//");
}
