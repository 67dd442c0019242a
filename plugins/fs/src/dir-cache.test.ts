import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listDir } from "./dir-cache.ts";

const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-dircache-")));
afterAll(() => rmSync(base, { recursive: true, force: true }));
/** "now" far enough after every change in these tests that listings are cacheable. */
const later = () => Date.now() + 60_000;
const names = (dir: string) => listDir(dir, later())?.map((e) => `${e.name}:${e.kind}`);

describe("listDir", () => {
  test("sorted entries with kinds; a missing directory is undefined", () => {
    const d = join(base, "a");
    mkdirSync(join(d, "sub"), { recursive: true });
    writeFileSync(join(d, "z.txt"), "");
    expect(names(d)).toEqual(["sub:dir", "z.txt:file"]);
    expect(listDir(join(base, "missing"))).toBeUndefined();
  });

  test("a cached (old) directory is re-read after it changes", () => {
    const d = join(base, "b");
    mkdirSync(d);
    writeFileSync(join(d, "one"), "");
    expect(names(d)).toEqual(["one:file"]);
    expect(listDir(d, later())).toBe(listDir(d, later())!); // served from the cache
    writeFileSync(join(d, "two"), ""); // bumps the directory's mtime and ctime
    expect(names(d)).toEqual(["one:file", "two:file"]);
  });

  test("a directory changed within the racy window is never served from the cache", () => {
    const d = join(base, "c");
    mkdirSync(d);
    writeFileSync(join(d, "one"), "");
    const st = statSync(d);
    // Pretend "now" is just after the change: not cached, so a same-tick change is still seen.
    expect(listDir(d, Math.max(st.mtimeMs, st.ctimeMs) + 1)?.length).toBe(1);
    writeFileSync(join(d, "two"), "");
    expect(listDir(d, Math.max(st.mtimeMs, st.ctimeMs) + 1)?.length).toBe(2);
  });

  test("a directory replaced by another with the same name is re-read", () => {
    const d = join(base, "d");
    mkdirSync(d);
    writeFileSync(join(d, "old"), "");
    expect(names(d)).toEqual(["old:file"]);
    rmSync(d, { recursive: true });
    mkdirSync(d);
    writeFileSync(join(d, "new"), "");
    expect(names(d)).toEqual(["new:file"]);
  });
});
