import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepo, findRepoWithGit, gitText } from "./git.ts";
import { readRepo } from "./repo-reader.ts";

let root: string;
let ws: string;
/** A HOME and config of the test's own, given to both the reader and git. */
let env: Record<string, string>;

const sh = (args: string[], cwd = ws) =>
  gitText(args, {
    cwd,
    env: {
      ...env,
      GIT_AUTHOR_NAME: "u",
      GIT_AUTHOR_EMAIL: "u@x",
      GIT_COMMITTER_NAME: "u",
      GIT_COMMITTER_EMAIL: "u@x",
    },
  });

function commit(message: string, cwd = ws): void {
  writeFileSync(join(cwd, `${message}.txt`), message);
  sh(["add", "."], cwd);
  sh(["commit", "-q", "-m", message], cwd);
}

/** The reader answers by itself (no git process) and agrees with git. */
function expectReadLikeGit(dir: string): void {
  const read = readRepo(dir, { ...process.env, ...env });
  expect(read).toMatchObject({ kind: "repo", remote: "read" });
  expect(findRepo(dir, env)).toEqual(findRepoWithGit(dir, env) as never);
}

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "loom-repo-")));
  ws = join(root, "ws");
  mkdirSync(ws);
  mkdirSync(join(root, "home"));
  env = {
    HOME: join(root, "home"),
    XDG_CONFIG_HOME: join(root, "home", ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
  };
  sh(["init", "-q", "-b", "main"]);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("readRepo agrees with git", () => {
  test("a branch, from the top level and from a subfolder", () => {
    commit("one");
    const info = findRepo(ws, env);
    expect(info).toMatchObject({ root: ws, gitDir: join(ws, ".git"), branch: "main" });
    expect(info?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(info?.remote).toBeUndefined();
    expectReadLikeGit(ws);
    mkdirSync(join(ws, "src", "deep"), { recursive: true });
    expectReadLikeGit(join(ws, "src", "deep"));
  });

  test("an unborn branch (no commit yet)", () => {
    const info = findRepo(ws, env);
    expect(info?.branch).toBe("main");
    expect(info?.commit).toBeUndefined();
    expectReadLikeGit(ws);
  });

  test("a detached HEAD", () => {
    commit("one");
    commit("two");
    sh(["checkout", "-q", "--detach", "HEAD~1"]);
    const info = findRepo(ws, env);
    expect(info?.branch).toBeUndefined();
    expect(info?.commit).toBe(sh(["rev-parse", "HEAD~0"]));
    expectReadLikeGit(ws);
  });

  test("packed refs, and a branch name with a slash", () => {
    commit("one");
    sh(["checkout", "-q", "-b", "feature/x"]);
    commit("two");
    sh(["pack-refs", "--all"]);
    expect(findRepo(ws, env)?.branch).toBe("feature/x");
    expectReadLikeGit(ws);
    // A loose ref newer than the packed one wins.
    commit("three");
    expectReadLikeGit(ws);
  });

  test("a linked worktree (a `gitdir:` file) on its own branch", () => {
    commit("one");
    const wt = join(root, "wt");
    sh(["worktree", "add", "-q", "-b", "side", wt]);
    commit("two", wt);
    const info = findRepo(wt, env);
    expect(info).toMatchObject({ root: wt, branch: "side" });
    expect(info?.gitDir).toBe(join(ws, ".git", "worktrees", "wt"));
    expectReadLikeGit(wt);
    sh(["pack-refs", "--all"]);
    expectReadLikeGit(wt);
  });

  test("a submodule-style relative `gitdir:` file", () => {
    commit("one");
    const sub = join(ws, "sub");
    mkdirSync(sub);
    mkdirSync(join(ws, ".git", "modules"));
    // What `git submodule` leaves: the repository under .git/modules, a relative gitdir file.
    sh(["init", "-q", "-b", "trunk", `--separate-git-dir=${join(ws, ".git", "modules", "sub")}`, sub]);
    writeFileSync(join(sub, ".git"), "gitdir: ../.git/modules/sub\n");
    commit("inner", sub);
    expect(findRepo(sub, env)).toMatchObject({ root: sub, branch: "trunk" });
    expectReadLikeGit(sub);
  });

  test("origin's URL, without credentials, rewritten by insteadOf", () => {
    commit("one");
    sh(["remote", "add", "origin", "https://user:tok3n@example.com/org/repo.git"]);
    expect(findRepo(ws, env)?.remote).toBe("https://example.com/org/repo.git");
    expectReadLikeGit(ws);
    sh(["remote", "set-url", "origin", "gh:org/repo"]);
    writeFileSync(
      join(root, "home", ".gitconfig"),
      '[url "https://github.com/"]\n\tinsteadOf = gh:\n[url "https://mirror.example/"]\n\tinsteadOf = gh:org/\n',
    );
    expect(findRepo(ws, env)?.remote).toBe("https://mirror.example/repo");
    expectReadLikeGit(ws);
  });

  test("a quoted, commented, continued config value", () => {
    commit("one");
    writeFileSync(
      join(ws, ".git", "config"),
      '[core]\n\trepositoryformatversion = 0\n\tbare = false\n[Remote "origin"] ; comment\n\tURL = "git@host:a b/\\\n repo.git" # trailing\n',
    );
    expect(findRepo(ws, env)?.remote).toBe("git@host:a b/ repo.git");
    expectReadLikeGit(ws);
  });

  test("no repository: a plain folder, and an invalid .git folder is skipped", () => {
    const plain = join(root, "plain");
    mkdirSync(join(plain, ".git"), { recursive: true });
    expect(readRepo(plain, { ...process.env, ...env }).kind).toBe("none");
    expect(findRepo(plain, env)).toBeUndefined();
    expect(findRepoWithGit(plain, env)).toBeUndefined();
    // The same empty .git inside a repository: git keeps looking upwards, so do we.
    commit("one");
    const inner = join(ws, "inner");
    mkdirSync(join(inner, ".git"), { recursive: true });
    expect(findRepo(inner, env)?.root).toBe(ws);
    expectReadLikeGit(inner);
  });
});

describe("cases left to git", () => {
  test("a config include, an ambiguous branch name: git answers, the same way", () => {
    commit("one");
    sh(["remote", "add", "origin", "https://example.com/r.git"]);
    writeFileSync(join(root, "home", ".gitconfig"), `[include]\n\tpath = ${join(root, "home", "more")}\n`);
    writeFileSync(
      join(root, "home", "more"),
      '[url "https://mirror/"]\n\tinsteadOf = https://example.com/\n',
    );
    expect(readRepo(ws, { ...process.env, ...env })).toMatchObject({ kind: "repo", remote: "ask-git" });
    expect(findRepo(ws, env)?.remote).toBe("https://mirror/r.git");
    expect(findRepo(ws, env)).toEqual(findRepoWithGit(ws, env) as never);

    sh(["tag", "main"]);
    expect(readRepo(ws, { ...process.env, ...env }).kind).toBe("ask-git");
    expect(findRepo(ws, env)?.branch).toBe("heads/main");
  });

  test("refs not stored as files", () => {
    commit("one");
    writeFileSync(
      join(ws, ".git", "config"),
      "[core]\n\trepositoryformatversion = 1\n[extensions]\n\trefStorage = reftable\n",
    );
    expect(readRepo(ws, { ...process.env, ...env }).kind).toBe("ask-git");
    expect(findRepo(ws, env)).toEqual(findRepoWithGit(ws, env));
  });

  test("inside the .git folder itself", () => {
    commit("one");
    const read = readRepo(join(ws, ".git", "refs"), { ...process.env, ...env });
    expect(read.kind).toBe("ask-git");
    expect(findRepo(join(ws, ".git", "refs"), env)).toEqual(findRepoWithGit(join(ws, ".git", "refs"), env));
  });
});
