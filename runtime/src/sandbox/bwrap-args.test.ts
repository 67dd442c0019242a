import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bwrapArgs } from "./bwrap-args.ts";
import { gitDirsOf } from "./git-dirs.ts";
import type { SandboxPolicy } from "./types.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-bwrap-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ws = join(root, "ws");
const home = join(root, "home");
mkdirSync(join(ws, ".git", "hooks"), { recursive: true });
writeFileSync(join(ws, ".git", "config"), "");
mkdirSync(join(home, ".ssh"), { recursive: true });
writeFileSync(join(home, ".netrc"), "x");
mkdirSync(join(root, "real-aws"));
symlinkSync(join(root, "real-aws"), join(home, ".aws"));

const policy = (p: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
  mode: "workspace-write",
  network: "none",
  hidden: [join(home, ".ssh"), join(home, ".netrc"), join(home, ".aws"), join(home, ".missing")],
  writable: [],
  ...p,
});
const args = (p?: Partial<SandboxPolicy>) =>
  bwrapArgs(policy(p), { workspaceRoot: ws, cwd: ws, path: "/usr/bin:/bin" }, ["bash", "-c", "x"]);
const pairs = (a: string[], flag: string) => a.flatMap((v, i) => (v === flag ? [a[i + 1]] : []));

describe("bwrapArgs", () => {
  test("read-only root, private /tmp, the workspace and its git dir bound writable, hooks and config not", () => {
    const a = args();
    expect(a.slice(0, 3)).toEqual(["--ro-bind", "/", "/"]);
    expect(pairs(a, "--tmpfs")).toContain("/tmp");
    expect(pairs(a, "--bind")).toEqual([ws, join(ws, ".git")]);
    expect(pairs(a, "--ro-bind")).toEqual(
      expect.arrayContaining([join(ws, ".git", "hooks"), join(ws, ".git", "config")]),
    );
    expect(a.indexOf(join(ws, ".git", "hooks"))).toBeGreaterThan(a.indexOf(join(ws, ".git")));
  });

  test("/tmp is a tmpfs of 1 GiB", () => {
    const a = args();
    const i = a.indexOf("/tmp");
    expect(a.slice(i - 3, i + 1)).toEqual(["--size", String(1024 * 1024 * 1024), "--tmpfs", "/tmp"]);
  });

  test("a git dir without hooks or config gets no read-only bind for them", () => {
    const bare = join(root, "bare");
    mkdirSync(join(bare, ".git"), { recursive: true });
    const a = bwrapArgs(policy(), { workspaceRoot: bare, cwd: bare, path: "/usr/bin" }, ["true"]);
    expect(pairs(a, "--ro-bind").filter((p) => p?.startsWith(bare))).toEqual([]);
    expect(pairs(a, "--ro-bind")).toContain("/dev/null");
  });

  test("PATH folders under /tmp and where their programs lead stay visible read-only over the private /tmp", () => {
    const bin = join(root, "tools", ".bin");
    const pkg = join(root, "tools", "pkg", "bin");
    mkdirSync(bin, { recursive: true });
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "tool.exe"), "");
    symlinkSync(join(pkg, "tool.exe"), join(bin, "tool"));
    symlinkSync(bin, join(root, "bin-link"));
    const path = `${bin}:${join(root, "bin-link")}:/usr/bin:relative/bin:${join(root, "missing")}`;
    const a = bwrapArgs(policy(), { workspaceRoot: ws, cwd: ws, path }, ["true"]);
    const roBinds = pairs(a, "--ro-bind");
    const underTmp = root.startsWith("/tmp/");
    expect(roBinds.filter((p) => p === bin)).toHaveLength(underTmp ? 1 : 0);
    expect(roBinds.filter((p) => p === pkg)).toHaveLength(underTmp ? 1 : 0);
    expect(roBinds).not.toContain("/usr/bin");
    expect(roBinds).not.toContain(join(root, "missing"));
    if (underTmp) expect(a.indexOf(bin)).toBeGreaterThan(a.indexOf("/tmp"));
  });

  test("read-only binds nothing writable", () => {
    expect(pairs(args({ mode: "read-only" }), "--bind")).toEqual([]);
  });

  test("credential stores are covered after the writable binds, symlinks by their target", () => {
    const a = args();
    expect(pairs(a, "--tmpfs")).toEqual(["/tmp", join(home, ".ssh"), join(root, "real-aws")]);
    expect(a.join(" ")).toContain(`--ro-bind /dev/null ${join(home, ".netrc")}`);
    expect(a.join(" ")).not.toContain(".missing");
    expect(a.indexOf(join(home, ".ssh"))).toBeGreaterThan(a.lastIndexOf("--bind"));
  });

  test("namespaces, no capabilities, no nested user namespaces, dies with its parent, network only when shared", () => {
    const a = args();
    for (const f of [
      "--unshare-all",
      "--unshare-user",
      "--disable-userns",
      "--die-with-parent",
      "--new-session",
    ])
      expect(a).toContain(f);
    expect(a.join(" ")).toContain("--cap-drop ALL");
    expect(a).not.toContain("--share-net");
    expect(args({ network: "host" })).toContain("--share-net");
    expect(a.slice(-4)).toEqual(["--", "bash", "-c", "x"]);
  });

  test("an allow-list: own network namespace, the proxy folder bound read-only after /tmp, the command under the relay", () => {
    const a = bwrapArgs(
      policy({ network: "hosts", hosts: ["localhost:8080", "*.github.com"] }),
      { workspaceRoot: ws, cwd: ws, path: "/usr/bin:/bin", proxyDir: "/host/net" },
      ["bash", "-c", "x"],
    );
    expect(a).not.toContain("--share-net");
    expect(a.indexOf("/host/net")).toBeGreaterThan(a.indexOf("/tmp"));
    expect(a[a.indexOf("/host/net") - 1]).toBe("--ro-bind");
    expect(a[a.indexOf("/host/net") + 1]).toBe("/tmp/.loom-net");
    expect(a[a.indexOf("--chdir") + 1]).toBe("/tmp/.loom-net");
    expect(a.slice(a.indexOf("--") + 1)).toEqual([
      process.execPath,
      "/tmp/.loom-net/relay.mjs",
      "/tmp/.loom-net/proxy.sock",
      "127.0.0.1,::1",
      ws,
      "bash",
      "-c",
      "x",
    ]);
  });
});

describe("gitDirsOf", () => {
  test("a repository's .git, found from a subfolder too", () => {
    mkdirSync(join(ws, "sub"), { recursive: true });
    expect(gitDirsOf(ws)).toEqual([join(ws, ".git")]);
    expect(gitDirsOf(join(ws, "sub"))).toEqual([join(ws, ".git")]);
  });

  test("a worktree's .git file: its git dir and the common dir", () => {
    const wt = join(root, "wt");
    const gd = join(ws, ".git", "worktrees", "wt");
    mkdirSync(gd, { recursive: true });
    mkdirSync(wt, { recursive: true });
    writeFileSync(join(wt, ".git"), `gitdir: ${gd}\n`);
    writeFileSync(join(gd, "commondir"), "../..\n");
    expect(gitDirsOf(wt)).toEqual([gd, join(ws, ".git")]);
  });

  test("no repository: none", () => {
    expect(gitDirsOf(home)).toEqual([]);
  });
});
