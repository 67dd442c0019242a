/**
 * The authoring kit end to end, through the real CLI: new → build → test → install → tools call
 * → list → remove, with a private HOME and XDG folders.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "../../cli/src/main.ts");
const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-scaffold-")));
const env = {
  ...process.env,
  HOME: join(base, "home"),
  XDG_DATA_HOME: join(base, "home/data"),
  XDG_CONFIG_HOME: join(base, "home/config"),
  XDG_STATE_HOME: join(base, "home/state"),
};

afterAll(() => rmSync(base, { recursive: true, force: true }));

beforeAll(() => {
  const help = loom(base, "tools", "--help");
  if (help.code !== 0 || !help.out.includes("call")) {
    throw new Error(`'loom tools' is not wired in cli/src/commands/index.ts: ${help.err.trim()}`);
  }
});

function loom(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  const p = Bun.spawnSync([process.execPath, MAIN, ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, out: p.stdout.toString(), err: p.stderr.toString() };
}

test("a scaffolded plugin goes new → build → test → install → tools call → remove", () => {
  const created = loom(base, "plugin", "new", "word-count");
  expect(created).toMatchObject({ code: 0 });
  const dir = join(base, "word-count");

  const built = loom(dir, "plugin", "build");
  expect(built.err).toBe("");
  expect(built.code).toBe(0);
  const sha = JSON.parse(readFileSync(join(dir, "loom-plugin.json"), "utf8")).sha256;
  expect(built.out).toContain(sha);
  expect(sha).not.toBe("0".repeat(64));

  const tested = loom(dir, "plugin", "test");
  expect(tested.out).toContain("4 passed, 0 failed");
  expect(tested.code).toBe(0);

  // No terminal: installing a plugin that asks for permissions needs --yes or --deny (grant nothing).
  const refused = loom(dir, "plugin", "install", ".");
  expect(refused.code).toBe(1);
  expect(refused.err).toContain("pass --yes to grant them");
  expect(loom(dir, "plugin", "install", ".", "--deny").out).toContain("installed word-count 0.1.0");
  const packed = Bun.spawnSync(["npm", "pack", "--silent"], {
    cwd: dir,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(packed.exitCode).toBe(0);
  const tgz = join(dir, packed.stdout.toString().trim());
  expect(loom(base, "plugin", "install", tgz, "--deny").out).toContain("updated word-count 0.1.0");

  const ws = join(base, "ws");
  mkdirSync(ws);
  writeFileSync(join(ws, "notes.txt"), "one two three\n");
  const called = loom(ws, "tools", "call", "word_count", '{"text":"a b c\\nd"}');
  expect(called.code).toBe(0);
  expect(JSON.parse(called.out)).toEqual({ words: 4, lines: 2 });

  // Headless with no grant: the plugin's read permission is denied, as one line on stderr.
  const denied = loom(ws, "tools", "call", "word_count", '{"path":"notes.txt"}');
  expect(denied.code).toBe(1);
  expect(denied.err.trim().split("\n")).toEqual([
    'loom: word_count failed: PERMISSION_DENIED: word-count/word_count: plugin word-count may not read notes.txt: not granted (grant it in your config: [plugins.grants.word-count] read = ["notes.txt"])',
  ]);

  // A grant in the user config lets it read.
  mkdirSync(join(base, "home/config/loom"), { recursive: true });
  writeFileSync(join(base, "home/config/loom/config.toml"), '[plugins.grants.word-count]\nread = ["."]\n');
  const granted = loom(ws, "tools", "call", "word_count", '{"path":"notes.txt"}');
  expect(JSON.parse(granted.out)).toEqual({ words: 3, lines: 1 });
  // The plugin's log line, on stderr.
  expect(granted.err).toBe("word-count: read notes.txt\n");

  expect(loom(ws, "plugin", "list").out).toContain("word-count 0.1.0  user/wasm  word_count");
  expect(loom(ws, "plugin", "remove", "word-count").code).toBe(0);
  const gone = loom(ws, "tools", "call", "word_count", "{}");
  expect(gone.code).toBe(2);
  expect(gone.err).toContain("no tool 'word_count'");
}, 90_000);

test("tools call on a built-in: edit_file edits in the current workspace; bad JSON is a usage error", () => {
  const ws = join(base, "ws2");
  mkdirSync(ws);
  writeFileSync(join(ws, "a.txt"), "hello\n");
  const r = loom(ws, "tools", "call", "edit_file", '{"path":"a.txt","edits":[{"old":"hello","new":"bye"}]}');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toEqual({ path: "a.txt", created: false, replacements: 1 });
  expect(readFileSync(join(ws, "a.txt"), "utf8")).toBe("bye\n");
  const bad = loom(ws, "tools", "call", "edit_file", "{nope");
  expect(bad.code).toBe(2);
  expect(bad.err).toStartWith("loom: the input is not valid JSON");
}, 30_000);
