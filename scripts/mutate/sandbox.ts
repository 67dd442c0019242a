/**
 * A throwaway copy of the repository for mutation runs, so a mutant is only ever written to the copy:
 * the checkout itself is never modified, whatever happens to the run (Ctrl-C, a crash, a kill).
 * Sources (tracked and untracked, not ignored) are copied; `node_modules` entries are symlinks to the
 * real ones, except workspace links (`@loom/*` → `../../runtime`), which are recreated so they point
 * into the copy.
 */
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export function createSandbox(repo: string): string {
  const root = realpathSync(repo);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "loom-mutate-")));
  const listed = Bun.spawnSync(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
  });
  if (listed.exitCode !== 0) throw new Error(`git ls-files failed in ${root}`);
  for (const rel of new Set(listed.stdout.toString().split("\0").filter(Boolean))) {
    if (rel === "node_modules" || rel.startsWith("node_modules/")) continue;
    const from = join(root, rel);
    const to = join(dir, rel);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(from);
    } catch {
      continue; // deleted in the working tree
    }
    mkdirSync(dirname(to), { recursive: true });
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (st.isFile()) copyFileSync(from, to);
  }
  linkModules(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function linkModules(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      // The same link text: a relative one (a workspace package) now resolves inside the copy.
      symlinkSync(readlinkSync(src), join(to, name));
    } else if (name.startsWith("@") && st.isDirectory()) {
      linkModules(src, join(to, name));
    } else {
      symlinkSync(src, join(to, name));
    }
  }
}

export function removeSandbox(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
