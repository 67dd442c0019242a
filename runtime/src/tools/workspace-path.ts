/**
 * The workspace path rule: every path a tool touches is resolved against the workspace root,
 * canonicalised (symlinks included, also for paths that do not exist yet) and must stay inside
 * the canonical root.
 */
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { LoomError } from "../errors.ts";

export interface ResolveOptions {
  /** The path will be written: it may not exist yet, and it may not be the workspace root itself. */
  forWrite?: boolean;
}

const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `p` (relative to `root`, or absolute) to a canonical absolute path inside the workspace.
 * Throws `LoomError` `PATH_OUTSIDE_WORKSPACE` when it leaves the workspace, through `..`, an
 * absolute path or a symlink (dangling ones included).
 *
 * @example
 * resolveInWorkspace("/repo", "src/../README.md"); // "/repo/README.md"
 * resolveInWorkspace("/repo", "/etc/passwd");      // throws PATH_OUTSIDE_WORKSPACE
 */
export function resolveInWorkspace(root: string, p: string, opts: ResolveOptions = {}): string {
  if (p.includes("\0")) throw new LoomError("INVALID_INPUT", "path contains a NUL byte");
  const canonicalRoot = canonicalWorkspaceRoot(root);
  const target = canonicalise(resolve(canonicalRoot, p), { hops: 0 });
  if (!isInside(canonicalRoot, target)) {
    throw new LoomError("PATH_OUTSIDE_WORKSPACE", `${p} is outside the workspace`, { path: p });
  }
  if (opts.forWrite && target === canonicalRoot) {
    throw new LoomError("INVALID_INPUT", `${p} is the workspace root, not a file`, { path: p });
  }
  return target;
}

/** The workspace root with symlinks resolved; it must exist. */
export function canonicalWorkspaceRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    throw new LoomError("NOT_FOUND", `workspace root ${root} does not exist`);
  }
}

/** Path of `abs` relative to the root, with `/` separators; "." for the root itself. */
export function workspaceRelative(canonicalRoot: string, abs: string): string {
  const rel = relative(canonicalRoot, abs);
  return rel === "" ? "." : rel.split(sep).join("/");
}

export function isInside(canonicalRoot: string, abs: string): boolean {
  const rel = relative(canonicalRoot, abs);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** realpath of the nearest existing ancestor plus the rest, following dangling symlinks by hand. */
function canonicalise(abs: string, state: { hops: number }): string {
  try {
    return realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new LoomError("INVALID_INPUT", `too many symlinks in ${abs}`);
    if (code !== "ENOENT" && code !== "ENOTDIR")
      throw new LoomError("INVALID_INPUT", `cannot resolve ${abs} (${code})`, undefined, {
        cause: e,
      });
  }
  const parent = dirname(abs);
  if (parent === abs) return abs;
  const joined = join(canonicalise(parent, state), basename(abs));
  let isLink = false;
  try {
    isLink = lstatSync(joined).isSymbolicLink();
  } catch {
    return joined;
  }
  if (!isLink) return joined;
  state.hops += 1;
  if (state.hops > MAX_SYMLINK_HOPS) throw new LoomError("INVALID_INPUT", `too many symlinks in ${abs}`);
  return canonicalise(resolve(dirname(joined), readlinkSync(joined)), state);
}
