/**
 * The git directories a workspace's commands write to (`git commit`, `git add`): the `.git` found
 * at or above the workspace, or, for a worktree or submodule, the dir its `.git` file names and
 * that dir's common dir. Read from the files git itself reads, without running git.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function gitDirsOf(workspaceRoot: string): string[] {
  for (let dir = workspaceRoot; ; dir = dirname(dir)) {
    const dotGit = join(dir, ".git");
    const kind = kindOf(dotGit);
    if (kind === "dir") return [dotGit];
    if (kind === "file") return linkedGitDirs(dotGit);
    if (dirname(dir) === dir) return [];
  }
}

function linkedGitDirs(dotGitFile: string): string[] {
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(read(dotGitFile));
  if (!m?.[1]) return [];
  const gitDir = resolve(dirname(dotGitFile), m[1]);
  if (kindOf(gitDir) !== "dir") return [];
  const common = read(join(gitDir, "commondir")).trim();
  const commonDir = common ? resolve(gitDir, common) : undefined;
  return commonDir && commonDir !== gitDir && kindOf(commonDir) === "dir" ? [gitDir, commonDir] : [gitDir];
}

function kindOf(p: string): "dir" | "file" | undefined {
  try {
    const s = statSync(p);
    return s.isDirectory() ? "dir" : s.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}

function read(p: string): string {
  try {
    return readFileSync(p, "utf8").slice(0, 4096);
  } catch {
    return "";
  }
}
