/**
 * How many git processes a `loom run` starts, counted by a `git` first on PATH that logs its
 * arguments and hands over to the real one. The git context (top level, branch, commit, origin)
 * is read from the repository's files once per run; git runs only for undo snapshots, when a
 * tool changes something.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Script } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, loom, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;
let env: Record<string, string>;
let log: string;

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
  sb = createSandbox({ "notes.txt": "one\n" });
  sb.git("remote", "add", "origin", "https://example.com/org/repo.git");
  const realGit = Bun.which("git");
  if (!realGit) throw new Error("git is not on PATH");
  const bin = join(sb.root, "shim");
  mkdirSync(bin);
  log = join(sb.root, "git-calls.log");
  writeFileSync(join(bin, "git"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(bin, "git"), 0o755);
  env = { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: up.url, PATH: `${bin}:${sb.env.PATH}` };
});

afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

function gitCalls(): string[] {
  return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
}

async function run(script: Script, task: string) {
  up.setScript(script);
  rmSync(log, { force: true });
  const r = await loom(sb, ["run", "--json", "--permission-mode", "auto", task], { env });
  expect(r.code).toBe(0);
  expect(up.requests.length).toBe(script.turns.length);
  return r;
}

test("a 2-turn run that only reads starts no git process, and records the git context", async () => {
  // The shim is really in the way: git run through the same PATH is logged.
  Bun.spawnSync(["git", "--version"], { env: { ...sb.env, ...env } });
  expect(gitCalls()).toEqual(["--version"]);

  const r = await run(
    {
      turns: [
        { text: "Reading.", toolCalls: [{ name: "read_file", input: { path: "notes.txt" } }] },
        { text: "It says one." },
      ],
    },
    "what is in notes.txt?",
  );
  expect(gitCalls()).toEqual([]);
  const start = JSON.parse(r.stdout.split("\n")[0] ?? "{}") as { threadId: string };
  const show = await loom(sb, ["threads", "show", start.threadId, "--json"], { env });
  const thread = JSON.parse(show.stdout) as { git?: Record<string, string> };
  expect(thread.git).toEqual({
    branch: "main",
    commit: sb.git("rev-parse", "HEAD"),
    remote: "https://example.com/org/repo.git",
  });
});

test("a run that edits a file uses git for its snapshot only, never to find the repository", async () => {
  await run(
    {
      turns: [
        {
          toolCalls: [
            { name: "edit_file", input: { path: "notes.txt", edits: [{ old: "one", new: "two" }] } },
          ],
        },
        { text: "Changed." },
      ],
    },
    "change one to two",
  );
  const calls = gitCalls();
  expect(calls.length).toBeGreaterThan(0);
  const discovery = calls.filter((c) => /rev-parse --show-toplevel|symbolic-ref|remote get-url/.test(c));
  expect(discovery).toEqual([]);
  expect(readFileSync(join(sb.workspace, "notes.txt"), "utf8")).toBe("two\n");
});
