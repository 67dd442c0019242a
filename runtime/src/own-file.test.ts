import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoomError } from "./errors.ts";
import { readOwnFile } from "./own-file.ts";

const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-own-file-")));
const ws = join(base, "ws");
mkdirSync(join(ws, "sub"), { recursive: true });
mkdirSync(join(base, "secret"));
writeFileSync(join(base, "secret", "canary.txt"), "CANARY");
writeFileSync(join(ws, "plain.txt"), "hello");
afterAll(() => rmSync(base, { recursive: true, force: true }));

const opts = { root: ws, maxBytes: 1024 };

function refusal(fn: () => unknown): LoomError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LoomError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("readOwnFile", () => {
  test("reads a regular file inside the root", () => {
    const f = readOwnFile(join(ws, "plain.txt"), opts);
    expect(f?.bytes.toString()).toBe("hello");
    expect(f?.truncated).toBe(false);
  });

  test("a missing file or a dangling link is undefined", () => {
    expect(readOwnFile(join(ws, "nope.txt"), opts)).toBeUndefined();
    expect(readOwnFile(join(ws, "nodir", "x.txt"), opts)).toBeUndefined();
    expect(readOwnFile(join(ws, "nope.txt"), { maxBytes: 10 })).toBeUndefined();
    expect(readOwnFile(join(ws, "nope.txt"), { maxBytes: 10, noFollow: true })).toBeUndefined();
    symlinkSync(join(ws, "gone.txt"), join(ws, "dangling.txt"));
    expect(readOwnFile(join(ws, "dangling.txt"), opts)).toBeUndefined();
  });

  test("a symlink to a file inside the root is followed", () => {
    symlinkSync("../plain.txt", join(ws, "sub", "inside-link.txt"));
    expect(readOwnFile(join(ws, "sub", "inside-link.txt"), opts)?.bytes.toString()).toBe("hello");
  });

  test("noFollow refuses any symlink, even one inside the root", () => {
    expect(
      refusal(() => readOwnFile(join(ws, "sub", "inside-link.txt"), { ...opts, noFollow: true })).message,
    ).toContain("it is a symlink");
    expect(readOwnFile(join(ws, "plain.txt"), { ...opts, noFollow: true })?.bytes.toString()).toBe("hello");
  });

  test("a symlink out of the root is refused without reading the target", () => {
    symlinkSync("../../secret/canary.txt", join(ws, "sub", ".gitignore"));
    const e = refusal(() => readOwnFile(join(ws, "sub", ".gitignore"), opts));
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toContain("outside the workspace");
    expect(e.message).not.toContain("CANARY");
  });

  test("a symlinked parent directory out of the root is refused", () => {
    symlinkSync(join(base, "secret"), join(ws, "linked-dir"));
    const e = refusal(() => readOwnFile(join(ws, "linked-dir", "canary.txt"), opts));
    expect(e.message).toContain("outside the workspace");
  });

  test("without a root, links are followed (user config may live in a dotfiles repo)", () => {
    expect(readOwnFile(join(ws, "sub", ".gitignore"), { maxBytes: 100 })?.bytes.toString()).toBe("CANARY");
  });

  test("a FIFO is refused at once instead of hanging", () => {
    const fifo = join(ws, "fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    expect(refusal(() => readOwnFile(fifo, opts)).message).toContain("not a regular file");
    expect(refusal(() => readOwnFile(fifo, { maxBytes: 10 })).message).toContain("not a regular file");
  });

  test("a link to /dev/zero is refused, inside a root or not", () => {
    symlinkSync("/dev/zero", join(ws, "zero"));
    expect(refusal(() => readOwnFile(join(ws, "zero"), opts)).message).toContain("outside the workspace");
    expect(refusal(() => readOwnFile(join(ws, "zero"), { maxBytes: 10 })).message).toContain(
      "not a regular file",
    );
  });

  test("a symlink loop is refused, not taken for a missing file", () => {
    symlinkSync("loop-b", join(ws, "loop-a"));
    symlinkSync("loop-a", join(ws, "loop-b"));
    expect(refusal(() => readOwnFile(join(ws, "loop-a"), opts)).message).toBe(
      `${join(ws, "loop-a")}: not read: cannot read it (ELOOP)`,
    );
    expect(refusal(() => readOwnFile(join(ws, "loop-a"), { maxBytes: 10 })).message).toContain("(ELOOP)");
  });

  test("a name too long is refused with its error code", () => {
    const long = join(ws, "x".repeat(300));
    expect(refusal(() => readOwnFile(long, opts)).message).toBe(
      `${long}: not read: cannot read it (ENAMETOOLONG)`,
    );
    expect(refusal(() => readOwnFile(long, { maxBytes: 10 })).message).toContain("(ENAMETOOLONG)");
    expect(refusal(() => readOwnFile(long, { ...opts, noFollow: true })).message).toContain("(ENAMETOOLONG)");
  });

  test("noFollow without a root still refuses a symlink", () => {
    expect(
      refusal(() => readOwnFile(join(ws, "sub", "inside-link.txt"), { maxBytes: 10, noFollow: true }))
        .message,
    ).toContain("it is a symlink");
  });

  test("a directory is refused", () => {
    expect(refusal(() => readOwnFile(join(ws, "sub"), opts)).message).toContain("not a regular file");
  });

  test("an oversize file is read up to the cap and marked truncated", () => {
    writeFileSync(join(ws, "big.txt"), "x".repeat(5000));
    const f = readOwnFile(join(ws, "big.txt"), opts);
    expect(f?.bytes.length).toBe(1024);
    expect(f?.truncated).toBe(true);
    expect(f?.bytes.toString()).toBe("x".repeat(1024));
    writeFileSync(join(ws, "exact.txt"), "y".repeat(1024));
    const g = readOwnFile(join(ws, "exact.txt"), opts);
    expect(g?.bytes.length).toBe(1024);
    expect(g?.truncated).toBe(false);
    writeFileSync(join(ws, "small.txt"), "z".repeat(10));
    expect(readOwnFile(join(ws, "small.txt"), opts)?.bytes.toString()).toBe("z".repeat(10));
    writeFileSync(join(ws, "empty.txt"), "");
    expect(readOwnFile(join(ws, "empty.txt"), opts)).toMatchObject({
      truncated: false,
      bytes: Buffer.alloc(0),
    });
  });

  test("a file that reports size 0 but has content is still read and capped (procfs)", () => {
    if (process.platform !== "linux") return;
    const f = readOwnFile("/proc/self/status", { maxBytes: 16 });
    expect(f?.bytes.length).toBe(16);
    expect(f?.truncated).toBe(true);
  });
});
