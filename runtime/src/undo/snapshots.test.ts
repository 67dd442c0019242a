import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newThreadId } from "../thread.ts";
import { gitText } from "./git.ts";
import { createSnapshots, undoLatest } from "./snapshots.ts";

let root: string;
let ws: string;
let data: string;
const sh = (args: string[]) =>
  gitText(args, {
    cwd: ws,
    env: {
      GIT_AUTHOR_NAME: "u",
      GIT_AUTHOR_EMAIL: "u@x",
      GIT_COMMITTER_NAME: "u",
      GIT_COMMITTER_EMAIL: "u@x",
    },
  });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "loom-undo-"));
  ws = join(root, "ws");
  data = join(root, "data");
  mkdirSync(ws);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string) {
  mkdirSync(join(ws, rel, ".."), { recursive: true });
  writeFileSync(join(ws, rel), text);
}
const read = (rel: string) => readFileSync(join(ws, rel), "utf8");

describe("in a git repository", () => {
  beforeEach(() => {
    sh(["init", "-q", "-b", "main"]);
    write("a.txt", "a1\n");
    write("b.txt", "b1\n");
    sh(["add", "."]);
    sh(["commit", "-q", "-m", "init"]);
  });

  test("undo restores the last turn, then the one before, leaving branch, index and stash alone", () => {
    write("staged.txt", "staged\n");
    sh(["add", "staged.txt"]);
    const indexBefore = sh(["diff", "--cached", "--name-status"]);
    const head = sh(["rev-parse", "HEAD"]);
    const snaps = createSnapshots({ workspace: ws, dataDir: data, threadId: newThreadId() });

    snaps.begin();
    write("a.txt", "a2\n");
    expect(snaps.commit("turn one")?.files).toEqual([{ status: "M", path: "a.txt" }]);
    snaps.endTurn();

    snaps.begin();
    write("a.txt", "a3\n");
    write("new/c.txt", "c\n");
    rmSync(join(ws, "b.txt"));
    snaps.commit("turn two, first round");
    write("a.txt", "a4\n");
    const e2 = snaps.commit("turn two");
    snaps.endTurn();
    expect(e2?.turn).toBe(2);
    expect(e2?.files.map((f) => `${f.status} ${f.path}`).sort()).toEqual(
      ["D b.txt", "M a.txt", "A new/c.txt"].sort(),
    );
    expect(snaps.list().map((e) => e.turn)).toEqual([2, 1]);

    const r2 = snaps.undo();
    expect(r2.conflicts).toEqual([]);
    expect(read("a.txt")).toBe("a2\n");
    expect(read("b.txt")).toBe("b1\n");
    expect(existsSync(join(ws, "new"))).toBe(false);
    expect(r2.removed).toEqual(["new/c.txt"]);

    snaps.undo();
    expect(read("a.txt")).toBe("a1\n");
    expect(() => snaps.undo()).toThrow(/nothing to undo/);

    expect(sh(["rev-parse", "HEAD"])).toBe(head);
    expect(sh(["symbolic-ref", "--short", "HEAD"])).toBe("main");
    expect(sh(["diff", "--cached", "--name-status"])).toBe(indexBefore);
    expect(sh(["stash", "list"])).toBe("");
    expect(read("staged.txt")).toBe("staged\n");
  });

  test("a file the user changed afterwards is a conflict unless forced", () => {
    const id = newThreadId();
    const snaps = createSnapshots({ workspace: ws, dataDir: data, threadId: id });
    snaps.begin();
    write("a.txt", "agent\n");
    snaps.commit("edit");
    snaps.endTurn();
    write("a.txt", "user\n");
    const r = snaps.undo();
    expect(r.conflicts).toEqual(["a.txt"]);
    expect(read("a.txt")).toBe("user\n");
    expect(snaps.list()).toHaveLength(1);
    undoLatest(snaps.target, undefined, { force: true });
    expect(read("a.txt")).toBe("a1\n");
  });

  test("a turn that changes nothing records no entry", () => {
    const snaps = createSnapshots({ workspace: ws, dataDir: data, threadId: newThreadId() });
    snaps.begin();
    expect(snaps.commit("read only")).toBeUndefined();
    expect(snaps.list()).toEqual([]);
  });
});

test("outside git, snapshots live in a private repository under the data dir", () => {
  write("notes.md", "v1\n");
  const snaps = createSnapshots({ workspace: ws, dataDir: data, threadId: newThreadId() });
  expect(snaps.target.isPrivate).toBe(true);
  snaps.begin();
  write("notes.md", "v2\n");
  write("node_modules/x.js", "ignored\n");
  expect(snaps.commit("edit notes")?.files).toEqual([{ status: "M", path: "notes.md" }]);
  snaps.endTurn();
  expect(existsSync(join(ws, ".git"))).toBe(false);
  snaps.undo();
  expect(read("notes.md")).toBe("v1\n");
});
