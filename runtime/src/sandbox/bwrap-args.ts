/**
 * The bubblewrap command line for a policy: read-only root, a private /tmp, the writable paths
 * bound back read-write, credential stores covered, fresh PID/IPC/UTS/user (and network)
 * namespaces, every capability dropped, no nested user namespaces, and the sandbox killed with
 * its parent. Order matters: later mounts cover earlier ones.
 */
import { lstatSync, readdirSync, realpathSync, type Stats } from "node:fs";
import { dirname, join } from "node:path";
import { gitDirsOf } from "./git-dirs.ts";
import { noProxyFor, PROXY_SOCKET, RELAY_FILE, SANDBOX_NET_DIR } from "./relay.ts";
import type { SandboxPolicy } from "./types.ts";

/** The sandbox's private /tmp (a tmpfs): bounded, so filling it cannot fill a disk. */
export const TMP_SIZE_BYTES = 1024 * 1024 * 1024;

/** Files in a writable git dir kept read-only: a hook or config written there would run outside the sandbox. */
export const GIT_READ_ONLY = ["hooks", "config"];

export interface BwrapWhere {
  workspaceRoot: string;
  cwd: string;
  /** The command's PATH (default: Loom's own): its folders under /tmp stay visible, read-only. */
  path?: string;
  /**
   * With `network: "hosts"`: the host folder of the filtering proxy (net-proxy.ts), bound read-only
   * at SANDBOX_NET_DIR; the command then runs under the relay, which gives it the proxy variables.
   */
  proxyDir?: string;
}

export function bwrapArgs(policy: SandboxPolicy, where: BwrapWhere, argv: string[]): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  args.push("--size", String(TMP_SIZE_BYTES), "--tmpfs", "/tmp");
  // The private /tmp would hide programs installed under it (a checkout's .tools/ in a temp dir).
  for (const dir of tmpPathDirs(where.path ?? process.env.PATH ?? "")) args.push("--ro-bind", dir, dir);
  if (policy.mode === "workspace-write") {
    const bound = new Set<string>();
    const bind = (p: string) => {
      const real = realOrUndefined(p);
      if (!real || bound.has(real)) return;
      bound.add(real);
      args.push("--bind", real, real);
    };
    bind(where.workspaceRoot);
    const gitDirs = gitDirsOf(where.workspaceRoot);
    for (const d of gitDirs) bind(d);
    for (const p of policy.writable) bind(p);
    for (const d of gitDirs)
      for (const f of GIT_READ_ONLY) {
        const real = realOrUndefined(join(d, f));
        if (real) args.push("--ro-bind", real, real);
      }
  }
  for (const p of policy.hidden) args.push(...hide(p));
  args.push("--unshare-all", "--unshare-user", "--disable-userns");
  if (policy.network === "host") args.push("--share-net");
  args.push("--cap-drop", "ALL", "--die-with-parent", "--new-session");
  args.push("--setenv", "TMPDIR", "/tmp");
  if (policy.network === "hosts" && where.proxyDir) {
    // Loom's own binary runs the relay as Bun (BUN_BE_BUN: a single-file build would run Loom).
    args.push("--ro-bind", where.proxyDir, SANDBOX_NET_DIR, "--setenv", "BUN_BE_BUN", "1");
    // The relay starts outside the workspace (Bun would load its .env and bunfig.toml) and runs the command in cwd.
    args.push("--chdir", SANDBOX_NET_DIR, "--", process.execPath, `${SANDBOX_NET_DIR}/${RELAY_FILE}`);
    args.push(`${SANDBOX_NET_DIR}/${PROXY_SOCKET}`, noProxyFor(policy.hosts ?? []), where.cwd, ...argv);
    return args;
  }
  args.push("--chdir", where.cwd, "--", ...argv);
  return args;
}

/**
 * The real folders of a PATH that lie under /tmp, and the folders their programs' links lead to there
 * (`.bin/bun -> ../bun/bin/bun.exe`), plus Bun's own: computed once per PATH.
 */
const tmpDirsByPath = new Map<string, string[]>();
function tmpPathDirs(path: string): string[] {
  const known = tmpDirsByPath.get(path);
  if (known) return known;
  const dirs = new Set<string>();
  const underTmp = (p: string | undefined) => p?.startsWith("/tmp/") === true;
  for (const entry of path.split(":")) {
    const real = entry.startsWith("/") ? realOrUndefined(entry) : undefined;
    if (!underTmp(real) || !real || !lstatOrUndefined(real)?.isDirectory()) continue;
    dirs.add(real);
    for (const name of readdirOrEmpty(real).slice(0, MAX_TMP_PATH_ENTRIES)) {
      const target = realOrUndefined(join(real, name));
      if (target && underTmp(target)) dirs.add(dirname(target));
    }
  }
  const bun = realOrUndefined(process.execPath);
  if (bun && underTmp(bun)) dirs.add(dirname(bun));
  const out = [...dirs];
  tmpDirsByPath.set(path, out);
  return out;
}

/** Programs looked at per PATH folder under /tmp (a folder of tools, not a whole system's bin). */
const MAX_TMP_PATH_ENTRIES = 1000;

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Covers a path (and the real path a symlink leads to): an empty read-only dir, or /dev/null for a file. */
function hide(p: string): string[] {
  const out: string[] = [];
  for (const target of new Set([p, realOrUndefined(p) ?? p])) {
    const st = lstatOrUndefined(target);
    if (!st || st.isSymbolicLink()) continue;
    if (st.isDirectory()) out.push("--tmpfs", target, "--remount-ro", target);
    else out.push("--ro-bind", "/dev/null", target);
  }
  return out;
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}
