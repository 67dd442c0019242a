import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createThread, createThreadStore, type ThreadStore, threadTitle } from "./store.ts";
import { THREAD_CHECK_CODE } from "./thread-check.generated.ts";

let dir: string;
let store: ThreadStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "loom-threads-"));
  store = createThreadStore({ dir: join(dir, "threads") });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function thread(workspace: string, text: string, at: string) {
  const t = createThread({ workspace, now: new Date(at), model: "m" });
  t.messages.push({ role: "user", content: text }, { role: "assistant", content: `answer to ${text}` });
  return t;
}

describe("thread store", () => {
  test("save then get round-trips and leaves no temp files", () => {
    const t = thread("/w", "fix the bug", "2026-01-01T00:00:00Z");
    store.save(t);
    expect(store.get(t.id)).toEqual(t);
    expect(readdirSync(store.dir)).toEqual([`${t.id}.json`]);
  });

  test("rejects an invalid thread", () => {
    const t = thread("/w", "x", "2026-01-01T00:00:00Z");
    (t as { version: number }).version = -1;
    expect(() => store.save(t)).toThrow(/invalid/);
  });

  test("threads are checked without running TypeBox's compiler; an invalid one is still refused", () => {
    // A fresh process: this file's own import has already evaluated the store module.
    const probe = `
      import { TypeCompiler } from "@sinclair/typebox/compiler";
      let compiles = 0;
      const compile = TypeCompiler.Compile;
      TypeCompiler.Compile = (...a) => (compiles++, compile(...a));
      const { createThread, createThreadStore } = await import(${JSON.stringify(join(import.meta.dir, "store.ts"))});
      const store = createThreadStore({ dir: ${JSON.stringify(join(dir, "probe"))} });
      const t = createThread({ workspace: "/w" });
      store.save(t);
      const afterValid = compiles;
      let error = "";
      try { store.save({ ...t, version: -1 }); } catch (e) { error = e.message; }
      console.log(JSON.stringify({ afterValid, error, afterInvalid: compiles }));`;
    const p = Bun.spawnSync([process.execPath, "-e", probe], { cwd: import.meta.dir, stderr: "pipe" });
    expect(p.stderr.toString()).toBe("");
    const r = JSON.parse(p.stdout.toString());
    expect(r.afterValid).toBe(0);
    // The compiler runs only to name the problem.
    expect(r.error).toContain("/version");
    expect(r.afterInvalid).toBe(1);
  });

  test("the generated thread check is TypeBox's code for the current ThreadSchema (regenerate: bun runtime/src/threads/write-thread-check.ts)", () => {
    // In a fresh process: Elysia (server tests, same process) adds `additionalProperties: false`
    // to the schemas its routes use, ThreadSchema included; the CLI sees the schema as declared.
    const probe = `
      import { threadCheckCode } from ${JSON.stringify(join(import.meta.dir, "write-thread-check.ts"))};
      process.stdout.write(threadCheckCode());`;
    const p = Bun.spawnSync([process.execPath, "-e", probe], { cwd: import.meta.dir, stderr: "pipe" });
    expect(p.stderr.toString()).toBe("");
    const now = p.stdout.toString().split("\n");
    const saved = THREAD_CHECK_CODE.split("\n");
    const differing = now.flatMap((line, i) => (line === saved[i] ? [] : [`${i}: ${saved[i]} → ${line}`]));
    expect(differing).toEqual([]);
    expect(saved.length).toBe(now.length);
  });

  test("list is newest first, filters by workspace, skips corrupt files", () => {
    const a = thread("/a", "first", "2026-01-01T00:00:00Z");
    const b = thread("/b", "second", "2026-01-02T00:00:00Z");
    const c = thread("/a", "third", "2026-01-03T00:00:00Z");
    for (const t of [a, b, c]) store.save(t);
    writeFileSync(join(store.dir, "T-00000000-0000-0000-0000-000000000000.json"), "{not json");
    expect(store.list().map((s) => s.title)).toEqual(["third", "second", "first"]);
    expect(store.list({ workspace: "/a" }).map((s) => s.id)).toEqual([c.id, a.id]);
    expect(store.last("/a")?.id).toBe(c.id);
    expect(store.last("/nowhere")).toBeUndefined();
  });

  test("damaged files are skipped but named, and resolving one says it is damaged", () => {
    const good = thread("/a", "kept", "2026-01-01T00:00:00Z");
    const broken = thread("/a", "torn", "2026-01-02T00:00:00Z");
    store.save(good);
    store.save(broken);
    const file = join(store.dir, `${broken.id}.json`);
    writeFileSync(file, readFileSync(file, "utf8").slice(0, 40));
    const shape = join(store.dir, "T-00000000-0000-0000-0000-000000000000.json");
    writeFileSync(shape, "{}");
    expect(store.list().map((s) => s.id)).toEqual([good.id]);
    const bad = store.unreadable().sort((x, y) => x.file.localeCompare(y.file));
    expect(bad.map((u) => u.file)).toEqual([shape, file].sort());
    expect(bad.find((u) => u.file === file)?.reason).toStartWith("not valid JSON");
    expect(bad.find((u) => u.file === shape)?.reason).toStartWith("not a valid thread");
    expect(() => store.resolve(broken.id)).toThrow(`thread file ${file} is damaged`);
    expect(() => store.resolve(broken.id.slice(-12))).toThrow(`thread file ${file} is damaged`);
    expect(store.resolve(good.id.slice(-12)).id).toBe(good.id);
  });

  test("search finds text in messages with a snippet", () => {
    store.save(thread("/a", "rename the parser module", "2026-01-01T00:00:00Z"));
    store.save(thread("/a", "add tests", "2026-01-02T00:00:00Z"));
    const hits = store.search("PARSER");
    expect(hits).toHaveLength(1);
    expect(hits[0]?.snippet).toContain("parser");
    expect(store.search("nothing like this")).toEqual([]);
  });

  test("delete tombstones: hidden from list and resolve, kept on disk", () => {
    const t = thread("/a", "secret plan", "2026-01-01T00:00:00Z");
    store.save(t);
    expect(store.delete(t.id)).toBe(true);
    expect(store.delete(t.id)).toBe(false);
    expect(store.list()).toEqual([]);
    expect(store.search("secret")).toEqual([]);
    const tomb = store.get(t.id);
    expect(tomb?.deletedAt).toBeString();
    expect(tomb?.messages).toEqual([]);
    expect(() => store.resolve(t.id)).toThrow(/no thread/);
  });

  test("resolve accepts a unique fragment and refuses an ambiguous one", () => {
    const a = thread("/a", "one", "2026-01-01T00:00:00Z");
    const b = thread("/a", "two", "2026-01-02T00:00:00Z");
    store.save(a);
    store.save(b);
    expect(store.resolve(a.id.slice(-8)).id).toBe(a.id);
    expect(() => store.resolve("T-0")).toThrow(/at least 4/);
    expect(() => store.resolve("ffffffffffff")).toThrow(/no thread/);
    const common = a.id.slice(0, 6);
    if (b.id.startsWith(common)) expect(() => store.resolve(common)).toThrow(/matches 2 threads \(T-/);
  });

  test("title falls back to the first user line, truncated", () => {
    const t = createThread({ workspace: "/a" });
    expect(threadTitle(t)).toBe("(empty)");
    t.messages.push({ role: "user", content: `${"x".repeat(100)}\nsecond line` });
    expect(threadTitle(t)).toHaveLength(80);
  });

  test("listing sweeps stale temp files of writers that died, keeps live or recent ones", () => {
    const t = thread("/a", "x", "2026-01-01T00:00:00Z");
    store.save(t);
    const dead = `.${t.id}.json.999999999.abc123.tmp`;
    const live = `.${t.id}.json.${process.pid}.def456.tmp`;
    const fresh = `.${t.id}.json.999999998.ghi789.tmp`;
    for (const name of [dead, live, fresh]) writeFileSync(join(store.dir, name), "{");
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(store.dir, dead), old, old);
    utimesSync(join(store.dir, live), old, old);
    expect(store.list()).toHaveLength(1);
    expect(readdirSync(store.dir).sort()).toEqual([live, fresh, `${t.id}.json`].sort());
  });
});
