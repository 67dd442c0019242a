/**
 * The git context of a directory (top level, git dir, branch, commit, origin URL) read from the
 * repository's files instead of four git processes: `.git` (a folder, or a `gitdir:` file for a
 * worktree or submodule), `HEAD`, loose refs, `packed-refs`, and config for the remote and its
 * `insteadOf` rewrites. It answers only the ordinary case; whenever git's own answer could differ
 * (another owner's repository, reftable, `core.worktree`, config includes, ceiling or config
 * environment variables, anything it cannot parse) it says "ask-git" and the caller runs git.
 */
import { lstatSync, realpathSync, type Stats, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { readOwnFile } from "../own-file.ts";
import { type ConfigEntry, configValues, parseGitConfig } from "./git-config.ts";

export interface RepoInfo {
  /** Repository top level. */
  root: string;
  gitDir: string;
  branch?: string;
  commit?: string;
  remote?: string;
}

/** A repository, no repository, or a case only git can answer. */
export type RepoRead =
  | { kind: "repo"; info: RepoInfo; remote: "read" | "ask-git" }
  | { kind: "none" }
  | { kind: "ask-git"; why: string };

type Env = Record<string, string | undefined>;

const HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** Refs kept per worktree (in the worktree's git dir, not the common one). */
const PER_WORKTREE = /^(?:HEAD|refs\/(?:bisect|worktree|rewritten)\/)/;
const MAX_FILE = 1 << 20;

class AskGit extends Error {}

const ask = (why: string): never => {
  throw new AskGit(why);
};

function statOf(path: string, follow = true): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

/** A small regular file's text (opened non-blocking, size-capped by the read itself), else undefined. */
function readSmall(path: string): string | undefined {
  let file: ReturnType<typeof readOwnFile>;
  try {
    file = readOwnFile(path, { maxBytes: MAX_FILE });
  } catch {
    return undefined;
  }
  if (file?.truncated) ask(`${path} is unexpectedly large`);
  return file?.bytes.toString("utf8");
}

/** Git's ownership check (safe.directory): a repository of another user is git's to judge. */
function checkOwner(path: string): void {
  const uid = process.geteuid?.();
  const st = statOf(path);
  if (uid !== undefined && st && st.uid !== uid) ask(`${path} belongs to another user`);
}

/** A git dir as git's is_git_directory() sees it: HEAD plus objects/ and refs/ (in the common dir). */
function commonDirOf(gitDir: string): string | undefined {
  if (!statOf(join(gitDir, "HEAD"))) return undefined;
  const rel = readSmall(join(gitDir, "commondir"))?.trim();
  const common = rel ? resolve(gitDir, rel) : gitDir;
  if (!statOf(join(common, "objects"))?.isDirectory() || !statOf(join(common, "refs"))?.isDirectory())
    return undefined;
  return common;
}

interface Found {
  root: string;
  gitDir: string;
  commonDir: string;
  /** packed-refs, parsed on first use: ref name → object id. */
  packed?: Map<string, string>;
}

/** Walks up from `dir` as git's discovery does; undefined when there is no repository. */
function discover(dir: string, env: Env): Found | undefined {
  if (env.GIT_CEILING_DIRECTORIES) ask("GIT_CEILING_DIRECTORIES is set");
  let cur = realpathSync(dir);
  const device = statSync(cur).dev;
  for (;;) {
    const dotGit = join(cur, ".git");
    const st = statOf(dotGit, false);
    if (st?.isFile() || st?.isSymbolicLink()) {
      const target = st.isFile() ? gitFileTarget(dotGit, cur) : realpathOr(dotGit);
      const common = target ? commonDirOf(target) : undefined;
      // git stops at a broken .git file with an error: its answer, not ours.
      if (!target || !common) ask(`${dotGit} does not point at a repository`);
      return found(cur, target as string, common as string, dotGit);
    }
    if (st?.isDirectory()) {
      const common = commonDirOf(dotGit);
      if (common) return found(cur, dotGit, common);
    }
    // Inside a git dir itself (or a bare repository): no work tree, or an unusual layout.
    if (commonDirOf(cur)) ask(`${cur} is a git directory`);
    const parent = dirname(cur);
    if (parent === cur) return undefined;
    if (statSync(parent).dev !== device) {
      if (env.GIT_DISCOVERY_ACROSS_FILESYSTEM) ask("GIT_DISCOVERY_ACROSS_FILESYSTEM is set");
      return undefined;
    }
    cur = parent;
  }
}

function realpathOr(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** `gitdir: <path>` (relative to the file's folder), as worktrees and submodules write it. */
function gitFileTarget(file: string, dir: string): string | undefined {
  const m = /^gitdir: (.+?)\r?\n?$/.exec(readSmall(file) ?? "");
  if (!m?.[1]) return undefined;
  return realpathOr(isAbsolute(m[1]) ? m[1] : resolve(dir, m[1]));
}

function found(root: string, gitDir: string, commonDir: string, gitFile?: string): Found {
  for (const p of [root, gitDir, ...(gitFile ? [gitFile] : [])]) checkOwner(p);
  return { root, gitDir: realpathSync(gitDir), commonDir: realpathSync(commonDir) };
}

/** The repository's own config (and config.worktree when enabled), checked for what we cannot follow. */
function repoConfig(f: Found): ConfigEntry[] {
  const entries = configFile(join(f.commonDir, "config"));
  const get = (section: string, key: string) => configValues(entries, section, undefined, key).at(-1);
  const version = Number(get("core", "repositoryformatversion") ?? 0);
  if (!(version === 0 || version === 1)) ask(`repository format version ${version}`);
  const extensions = entries.filter((e) => e.section === "extensions");
  for (const e of extensions) {
    if (e.key === "refstorage" && String(e.value).toLowerCase() !== "files")
      ask("refs are not stored as files");
  }
  const worktreeConfig = extensions.some((e) => e.key === "worktreeconfig" && isTrue(e.value));
  const all = worktreeConfig ? [...entries, ...configFile(join(f.gitDir, "config.worktree"))] : entries;
  if (all.some((e) => e.section === "core" && e.key === "worktree")) ask("core.worktree is set");
  const bare = configValues(all, "core", undefined, "bare").at(-1);
  if (bare !== undefined && isTrue(bare)) ask("core.bare is set");
  return all;
}

function isTrue(v: string | true): boolean {
  return v === true || ["true", "yes", "on", "1"].includes(v.toLowerCase());
}

function configFile(path: string): ConfigEntry[] {
  const text = readSmall(path);
  if (text === undefined) return [];
  const parsed = parseGitConfig(text);
  if (!parsed.ok) ask(`cannot parse ${path}: ${parsed.reason}`);
  const entries = (parsed as { entries: ConfigEntry[] }).entries;
  if (entries.some((e) => e.section === "include" || e.section === "includeif"))
    ask(`${path} includes other files`);
  return entries;
}

/** The value of a ref (following symbolic refs), from loose files or packed-refs. */
function resolveRef(f: Found, ref: string, depth = 0): string | undefined {
  if (depth > 5) ask(`symbolic ref loop at ${ref}`);
  const base = PER_WORKTREE.test(ref) ? f.gitDir : f.commonDir;
  const loose = statOf(join(base, ref), false);
  if (loose?.isSymbolicLink()) ask(`${ref} is a symlink`);
  const text = loose?.isFile() ? readSmall(join(base, ref))?.trim() : undefined;
  if (text !== undefined) {
    if (text.startsWith("ref: ")) return resolveRef(f, text.slice(5).trim(), depth + 1);
    if (!HASH.test(text)) ask(`${ref} holds '${text.slice(0, 80)}'`);
    return text;
  }
  if (PER_WORKTREE.test(ref)) return undefined;
  return packedRef(f, ref);
}

function packedRef(f: Found, ref: string): string | undefined {
  if (!f.packed) {
    f.packed = new Map();
    const text = readSmall(join(f.commonDir, "packed-refs")) ?? "";
    for (const line of text.split("\n")) {
      // Header (`# pack-refs with: …`) and peeled tag lines (`^<id>`) name no ref.
      if (line === "" || line.startsWith("#") || line.startsWith("^")) continue;
      const m = /^(\S+) (\S+)\r?$/.exec(line);
      if (!m?.[1] || !m[2] || !HASH.test(m[1])) ask(`cannot read packed-refs line '${line.slice(0, 80)}'`);
      f.packed.set((m as RegExpExecArray)[2] as string, (m as RegExpExecArray)[1] as string);
    }
  }
  return f.packed.get(ref);
}

/** HEAD: the branch (`symbolic-ref --short HEAD`) and the commit (`rev-parse --verify HEAD`). */
function readHead(f: Found): Pick<RepoInfo, "branch" | "commit"> {
  const head = join(f.gitDir, "HEAD");
  if (statOf(head, false)?.isSymbolicLink()) ask("HEAD is a symlink");
  const text = readSmall(head)?.trim() ?? ask("HEAD is unreadable");
  if (HASH.test(text)) return { commit: text };
  const m = /^ref: (refs\/heads\/.+)$/.exec(text);
  if (!m?.[1]) ask(`HEAD holds '${text.slice(0, 80)}'`);
  const ref = (m as RegExpExecArray)[1] as string;
  const branch = ref.slice("refs/heads/".length);
  // `--short` keeps `heads/` when the name alone would mean another ref first (a tag of that name).
  for (const other of [branch, `refs/${branch}`, `refs/tags/${branch}`]) {
    if (resolveRef(f, other) !== undefined) ask(`branch name ${branch} is ambiguous`);
  }
  const out: Pick<RepoInfo, "branch" | "commit"> = { branch };
  const commit = resolveRef(f, ref);
  if (commit) out.commit = commit;
  return out;
}

/** Config files git reads before the repository's, in its order (system, XDG, global). */
function userConfigs(env: Env): ConfigEntry[] {
  const home = env.HOME;
  const xdg = env.XDG_CONFIG_HOME || (home ? join(home, ".config") : undefined);
  const files = [
    ...(env.GIT_CONFIG_NOSYSTEM ? [] : ["/etc/gitconfig"]),
    ...(xdg ? [join(xdg, "git", "config")] : []),
    ...(home ? [join(home, ".gitconfig")] : []),
  ];
  return files.flatMap(configFile);
}

/** `git remote get-url origin`: the first URL, rewritten by the longest matching `insteadOf`. */
function originUrl(f: Found, config: ConfigEntry[]): string | undefined {
  const url = configValues(config, "remote", "origin", "url")[0];
  if (url === undefined) {
    // Remotes can also live in the pre-config files .git/remotes/origin and .git/branches/origin.
    for (const legacy of ["remotes", "branches"]) {
      if (statOf(join(f.commonDir, legacy, "origin"))) ask(`origin is defined in .git/${legacy}`);
    }
    return undefined;
  }
  if (url === true) ask("remote.origin.url has no value");
  let best: { base: string; prefix: string } | undefined;
  for (const e of config) {
    if (e.section !== "url" || e.key !== "insteadof" || e.subsection === undefined || e.value === true)
      continue;
    if ((url as string).startsWith(e.value) && (!best || e.value.length > best.prefix.length))
      best = { base: e.subsection, prefix: e.value };
  }
  return best ? best.base + (url as string).slice(best.prefix.length) : (url as string);
}

/** Reads the git context of `dir` from the repository's files (see the module comment). */
export function readRepo(dir: string, env: Env = process.env): RepoRead {
  try {
    const f = discover(dir, env);
    if (!f) return { kind: "none" };
    const config = repoConfig(f);
    const info: RepoInfo = { root: f.root, gitDir: f.gitDir, ...readHead(f) };
    // Config given on the command line or through the environment is beyond these files.
    if (Object.keys(env).some((k) => k.startsWith("GIT_CONFIG") && k !== "GIT_CONFIG_NOSYSTEM" && env[k]))
      return { kind: "repo", info, remote: "ask-git" };
    let remote: string | undefined;
    try {
      remote = originUrl(f, [...userConfigs(env), ...config]);
    } catch (e) {
      if (e instanceof AskGit) return { kind: "repo", info, remote: "ask-git" };
      throw e;
    }
    if (remote !== undefined) info.remote = remote;
    return { kind: "repo", info, remote: "read" };
  } catch (e) {
    if (e instanceof AskGit) return { kind: "ask-git", why: e.message };
    return { kind: "ask-git", why: e instanceof Error ? e.message : String(e) };
  }
}
