/**
 * A small synchronous git runner with a clean environment: inherited variables that point git at
 * another repository or index (a hook's GIT_DIR, GIT_INDEX_FILE…) are dropped so only the ones we
 * pass apply; the user's identity variables (GIT_AUTHOR_NAME…) are kept for auto-commits.
 */
import { LoomError } from "../errors.ts";

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

export interface RepoInfo {
  /** Repository top level. */
  root: string;
  gitDir: string;
  branch?: string;
  commit?: string;
  remote?: string;
}

/** The git repository containing `dir`, if any. */
export function findRepo(dir: string): RepoInfo | undefined {
  const r = git(["rev-parse", "--show-toplevel", "--absolute-git-dir"], { cwd: dir, allowFail: true });
  if (!r.ok) return undefined;
  const [root, gitDir] = r.stdout.toString("utf8").trim().split("\n");
  if (!root || !gitDir) return undefined;
  const info: RepoInfo = { root, gitDir };
  const branch = git(["symbolic-ref", "--short", "-q", "HEAD"], { cwd: dir, allowFail: true });
  if (branch.ok) info.branch = branch.stdout.toString().trim();
  const head = git(["rev-parse", "-q", "--verify", "HEAD"], { cwd: dir, allowFail: true });
  if (head.ok) info.commit = head.stdout.toString().trim();
  const remote = git(["remote", "get-url", "origin"], { cwd: dir, allowFail: true });
  // A remote URL can carry a token (https://user:token@host/…); keep only host and path.
  if (remote.ok)
    info.remote = remote.stdout
      .toString()
      .trim()
      .replace(/\/\/[^/@]*@/, "//");
  return info;
}
