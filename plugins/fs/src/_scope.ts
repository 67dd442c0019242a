/** Resolves a tool's `path` input to the directory (or file) a search runs over. */
import { statSync } from "node:fs";
import { LoomError } from "@loom/runtime/errors";
import { canonicalWorkspaceRoot, resolveInWorkspace, workspaceRelative } from "@loom/runtime/workspace-path";

export interface Scope {
  root: string;
  abs: string;
  /** Workspace-relative, "" for the root. */
  rel: string;
  isDir: boolean;
}

export function resolveScope(workspaceRoot: string, path: string | undefined): Scope {
  const root = canonicalWorkspaceRoot(workspaceRoot);
  const abs = resolveInWorkspace(root, path ?? ".");
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new LoomError("NOT_FOUND", `${path} does not exist`);
  }
  const rel = workspaceRelative(root, abs);
  return { root, abs, rel: rel === "." ? "" : rel, isDir };
}

/** `resolveScope` for a tool that walks a directory: a file there is INVALID_INPUT. */
export function resolveDirScope(workspaceRoot: string, path: string | undefined): Scope {
  const scope = resolveScope(workspaceRoot, path);
  if (!scope.isDir) throw new LoomError("INVALID_INPUT", `${path} is not a directory`);
  return scope;
}
