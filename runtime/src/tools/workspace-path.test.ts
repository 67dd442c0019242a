import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoomError } from "../errors.ts";
import { resolveInWorkspace, workspaceRelative } from "./workspace-path.ts";

let base: string;
let ws: string;
let outside: string;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof LoomError ? e.code : `non-loom: ${String(e)}`;
  }
  return undefined;
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "loom-wspath-")));
  ws = join(base, "ws");
  outside = join(base, "outside");
  mkdirSync(join(ws, "src", "deep"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(ws, "src", "a.ts"), "a");
  writeFileSync(join(outside, "secret.txt"), "s");
  symlinkSync(join(outside, "secret.txt"), join(ws, "file-link"));
  symlinkSync(outside, join(ws, "dir-link"));
  symlinkSync(join(ws, "src"), join(ws, "inner-link"));
  symlinkSync(join(outside, "not-yet.txt"), join(ws, "dangling-out"));
  symlinkSync("/proc/self/root", join(ws, "proc-root"));
  symlinkSync(ws, join(base, "ws-link"));
  symlinkSync(join(ws, "loop-b"), join(ws, "loop-a"));
  symlinkSync(join(ws, "loop-a"), join(ws, "loop-b"));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("resolveInWorkspace", () => {
  test("resolves relative paths and normalises inner ..", () => {
    expect(resolveInWorkspace(ws, "src/deep/../a.ts")).toBe(join(ws, "src", "a.ts"));
    expect(resolveInWorkspace(ws, ".")).toBe(ws);
    expect(resolveInWorkspace(ws, "")).toBe(ws);
  });

  test("the workspace's parent itself is outside", () => {
    expect(codeOf(() => resolveInWorkspace(ws, ".."))).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInWorkspace(ws, base))).toBe("PATH_OUTSIDE_WORKSPACE");
  });

  test("a path through a file resolves (the write itself will fail), not INVALID_INPUT", () => {
    expect(resolveInWorkspace(ws, "src/a.ts/x", { forWrite: true })).toBe(join(ws, "src", "a.ts", "x"));
  });

  test("rejects .. that leaves the workspace", () => {
    expect(codeOf(() => resolveInWorkspace(ws, "../outside/secret.txt"))).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInWorkspace(ws, "src/../../ws2"))).toBe("PATH_OUTSIDE_WORKSPACE");
  });

  test("a sibling directory sharing the root's prefix is outside", () => {
    mkdirSync(`${ws}-evil`, { recursive: true });
    expect(codeOf(() => resolveInWorkspace(ws, `${ws}-evil/x`))).toBe("PATH_OUTSIDE_WORKSPACE");
  });

  test("absolute paths: inside accepted, outside rejected", () => {
    expect(resolveInWorkspace(ws, join(ws, "src", "a.ts"))).toBe(join(ws, "src", "a.ts"));
    expect(codeOf(() => resolveInWorkspace(ws, "/etc/passwd"))).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInWorkspace(ws, "/"))).toBe("PATH_OUTSIDE_WORKSPACE");
  });

  test("symlinked file and directory pointing outside are rejected", () => {
    expect(codeOf(() => resolveInWorkspace(ws, "file-link"))).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInWorkspace(ws, "dir-link/secret.txt"))).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInWorkspace(ws, "dir-link/new/file.txt", { forWrite: true }))).toBe(
      "PATH_OUTSIDE_WORKSPACE",
    );
  });

  test("a symlink that stays inside resolves to its target", () => {
    expect(resolveInWorkspace(ws, "inner-link/a.ts")).toBe(join(ws, "src", "a.ts"));
  });

  test("a dangling symlink pointing outside is rejected for writes", () => {
    expect(codeOf(() => resolveInWorkspace(ws, "dangling-out", { forWrite: true }))).toBe(
      "PATH_OUTSIDE_WORKSPACE",
    );
  });

  test("/proc/self paths are rejected, directly and through a symlink", () => {
    expect(codeOf(() => resolveInWorkspace(ws, "/proc/self/environ"))).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInWorkspace(ws, "/proc/self/root/etc/passwd"))).toBe("PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInWorkspace(ws, "proc-root/etc/passwd"))).toBe("PATH_OUTSIDE_WORKSPACE");
  });

  test("nonexistent nested parents resolve inside the workspace", () => {
    expect(resolveInWorkspace(ws, "new/a/b/c.txt", { forWrite: true })).toBe(
      join(ws, "new", "a", "b", "c.txt"),
    );
    expect(resolveInWorkspace(ws, "inner-link/x/y.ts", { forWrite: true })).toBe(
      join(ws, "src", "x", "y.ts"),
    );
  });

  test("a workspace root that is itself a symlink", () => {
    const linkRoot = join(base, "ws-link");
    expect(resolveInWorkspace(linkRoot, "src/a.ts")).toBe(join(ws, "src", "a.ts"));
    expect(resolveInWorkspace(linkRoot, join(linkRoot, "src", "a.ts"))).toBe(join(ws, "src", "a.ts"));
    expect(codeOf(() => resolveInWorkspace(linkRoot, "../outside/secret.txt"))).toBe(
      "PATH_OUTSIDE_WORKSPACE",
    );
    expect(codeOf(() => resolveInWorkspace(linkRoot, "dir-link/secret.txt"))).toBe("PATH_OUTSIDE_WORKSPACE");
  });

  test("symlink loops, NUL bytes, the root as a write target and a missing root fail cleanly", () => {
    expect(codeOf(() => resolveInWorkspace(ws, "loop-a"))).toBe("INVALID_INPUT");
    expect(codeOf(() => resolveInWorkspace(ws, "a\0b"))).toBe("INVALID_INPUT");
    expect(codeOf(() => resolveInWorkspace(ws, ".", { forWrite: true }))).toBe("INVALID_INPUT");
    expect(codeOf(() => resolveInWorkspace(join(base, "missing"), "x"))).toBe("NOT_FOUND");
  });

  test("links followed by hand are counted: 40 hops resolve, 41 and a loop are INVALID_INPUT", () => {
    // `missing/..` makes the kernel's realpath fail at each link, so every hop is one of ours.
    const chain = (name: string, n: number, last = "end") => {
      const dir = join(ws, name);
      mkdirSync(dir);
      for (let i = 0; i < n; i++)
        symlinkSync(`missing/../${i === n - 1 ? last : `l${i + 1}`}`, join(dir, `l${i}`));
      return `${name}/l0`;
    };
    expect(resolveInWorkspace(ws, chain("chain40", 40), { forWrite: true })).toBe(join(ws, "chain40", "end"));
    expect(codeOf(() => resolveInWorkspace(ws, chain("chain41", 41), { forWrite: true }))).toBe(
      "INVALID_INPUT",
    );
    expect(codeOf(() => resolveInWorkspace(ws, chain("loop", 2, "l0")))).toBe("INVALID_INPUT");
  });

  test("a link through a missing folder and `..` is resolved by hand to what it names", () => {
    // The kernel cannot walk `missing/..`, so realpath fails; the hand resolution lands in src.
    symlinkSync("missing/../src", join(ws, "lexical-link"));
    expect(resolveInWorkspace(ws, "lexical-link/a.ts")).toBe(join(ws, "src", "a.ts"));
  });

  test("loops and NUL bytes say what is wrong", () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    };
    expect(message(() => resolveInWorkspace(ws, "loop-a"))).toStartWith("too many symlinks in ");
    expect(message(() => resolveInWorkspace(ws, "a\0b"))).toBe("path contains a NUL byte");
  });

  test("a name the file system cannot resolve is INVALID_INPUT, not a raw error", () => {
    expect(codeOf(() => resolveInWorkspace(ws, "x".repeat(300)))).toBe("INVALID_INPUT");
  });

  test("workspaceRelative", () => {
    expect(workspaceRelative(ws, join(ws, "src", "a.ts"))).toBe("src/a.ts");
    expect(workspaceRelative(ws, ws)).toBe(".");
  });
});
