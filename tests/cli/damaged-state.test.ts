/** The CLI over damaged or empty local state: torn thread files, nothing to resume or undo. */
import { afterAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createThread, createThreadStore } from "@loom/runtime/threads/store";
import { startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom } from "./_harness.ts";

const sb = createSandbox({ "a.txt": "hi\n" });
afterAll(() => sb.cleanup());
const threadsDir = join(sb.env.XDG_DATA_HOME ?? "", "loom", "threads");

test("a torn thread file is named on stderr; listing, search and show still work", async () => {
  const store = createThreadStore({ dir: threadsDir });
  const good = createThread({ workspace: sb.workspace });
  good.messages.push({ role: "user", content: "kept thread" });
  const torn = createThread({ workspace: sb.workspace });
  torn.messages.push({ role: "user", content: "torn thread" });
  store.save(good);
  store.save(torn);
  const file = join(threadsDir, `${torn.id}.json`);
  writeFileSync(file, readFileSync(file, "utf8").slice(0, 50));

  const list = await loom(sb, ["threads", "list", "--json"]);
  expect(list.code).toBe(0);
  expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((t) => t.id)).toEqual([good.id]);
  expect(list.stderr.trim().split("\n")).toEqual([
    expect.stringContaining(`loom: skipped thread file ${file}: not valid JSON`),
  ]);

  const search = await loom(sb, ["threads", "search", "kept"]);
  expect(search.code).toBe(0);
  expect(search.stderr).toContain(file);

  const show = await loom(sb, ["threads", "show", torn.id.slice(-12)]);
  expect(show.code).toBe(1);
  expect(show.stderr.trim().split("\n")).toEqual([
    expect.stringContaining(`thread file ${file} is damaged: not valid JSON`),
  ]);
  const ok = await loom(sb, ["threads", "show", good.id.slice(-12)]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain("kept thread");
});

test("resume with no thread in the workspace fails with one line and exit 1", async () => {
  const r = await loom(sb, ["resume"], { cwd: sb.root });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`loom: NOT_FOUND: no thread to resume in ${sb.root}\n`);
  // Nothing is drawn before the error: no banner, no prompt.
  expect(r.stdout).toBe("");
});

test("undo with nothing to undo, inside and outside git", async () => {
  for (const cwd of [sb.workspace, sb.root]) {
    const r = await loom(sb, ["undo"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("loom: NOT_FOUND: nothing to undo");
  }
});

test("malformed config: run and the REPL fail with the file and line, exit 1", async () => {
  sb.write(".loom/config.toml", "agent = [\n");
  try {
    const run = await loom(sb, ["run", "hi"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `loom: CONFIG_PARSE: ${sb.workspace}/.loom/config.toml:1: invalid TOML: Unterminated array; expected ']'\n`,
    );
    const repl = await loom(sb, [], { stdin: "hi\n" });
    expect(repl.code).toBe(1);
    expect(repl.stdout).toContain(`${sb.workspace}/.loom/config.toml:1: invalid TOML`);
  } finally {
    sb.write(".loom/config.toml", "");
  }
});

test("resuming a thread whose workspace is gone says so and how to continue elsewhere", async () => {
  const store = createThreadStore({ dir: threadsDir });
  const t = createThread({ workspace: join(sb.root, "gone") });
  t.messages.push({ role: "user", content: "old work" });
  store.save(t);
  const r = await loom(sb, ["run", "--resume", t.id, "more"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    `loom: INVALID_INPUT: workspace ${sb.root}/gone does not exist (thread ${t.id}'s workspace; --workspace continues it elsewhere)\n`,
  );
});

test("undo still reverts a turn whose thread file was damaged afterwards", async () => {
  const up = await startFakeUpstream({
    script: {
      turns: [
        {
          toolCalls: [
            { name: "edit_file", input: { path: "a.txt", edits: [{ old: "hi", new: "changed" }] } },
          ],
        },
        { text: "done" },
      ],
    },
  });
  try {
    const env = { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url };
    const run = await loom(sb, ["run", "--json", "--permission-mode", "auto", "change it"], { env });
    expect(run.code).toBe(0);
    expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("changed\n");
    const id = String(jsonLines(run.stdout).at(-1)?.threadId);
    writeFileSync(join(threadsDir, `${id}.json`), "{torn");
    const undo = await loom(sb, ["undo"]);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toContain(`reverted turn 1 of ${id}`);
    expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("hi\n");
  } finally {
    await up.stop();
  }
});
