/** Test helper: a git repository at `path` with one empty commit, for weavers to clone. */
export function emptyRepo(path: string): string {
  const git = (...args: string[]) => {
    const r = Bun.spawnSync(["git", ...args]);
    if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString().trim()}`);
  };
  git("init", "-q", path);
  git("-C", path, "-c", "user.email=t@x", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "i");
  return path;
}
