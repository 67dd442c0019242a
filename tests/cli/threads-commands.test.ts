/** `loom threads …` and `loom models` against a real thread store in a throwaway HOME. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;
let env: Record<string, string>;
const ids: string[] = [];

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [{ text: "alpha answer" }, { text: "beta answer" }] } });
  sb = createSandbox({ "README.md": "x\n" });
  env = { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url };
  const other = join(sb.root, "other");
  mkdirSync(other);
  for (const [task, cwd] of [
    ["first task about alpha", sb.workspace],
    ["second task about beta", other],
  ] as const) {
    const r = await loom(sb, ["run", "--json", task], { env, cwd });
    ids.push(String(jsonLines(r.stdout).at(-1)?.threadId));
  }
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

test("list, --here, search, show and delete", async () => {
  const all = JSON.parse((await loom(sb, ["threads", "list", "--json"])).stdout) as Array<{ id: string }>;
  expect(all.map((t) => t.id)).toEqual([ids[1]!, ids[0]!]);
  const here = JSON.parse((await loom(sb, ["threads", "list", "--here", "--json"])).stdout) as Array<{
    id: string;
  }>;
  expect(here.map((t) => t.id)).toEqual([ids[0]!]);
  const human = await loom(sb, ["threads", "list"]);
  expect(human.stdout).toContain("first task about alpha");

  const hit = await loom(sb, ["threads", "search", "beta", "answer"]);
  expect(hit.code).toBe(0);
  expect(hit.stdout).toContain(ids[1]!);
  expect(hit.stdout).not.toContain(ids[0]!);
  // The store is not empty: the miss is about the query, not about having no threads.
  const miss = await loom(sb, ["threads", "search", "gamma"]);
  expect(miss.code).toBe(1);
  expect(miss.stdout.trim()).toBe('no thread matches "gamma"');

  const show = await loom(sb, ["threads", "show", ids[0]!]);
  expect(show.stdout).toContain("› first task about alpha");
  expect(show.stdout).toContain("alpha answer");

  const del = await loom(sb, ["threads", "delete", ids[0]!.slice(-8)]);
  expect(del.code).toBe(0);
  const after = JSON.parse((await loom(sb, ["threads", "list", "--json"])).stdout) as Array<{ id: string }>;
  expect(after.map((t) => t.id)).toEqual([ids[1]!]);
  const gone = await loom(sb, ["threads", "show", ids[0]!]);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toContain("NOT_FOUND");
  const bad = await loom(sb, ["threads", "frobnicate"]);
  expect(bad.code).toBe(2);
}, 30_000);

test("models lists providers, whether they are configured, and the default", async () => {
  const r = await loom(sb, ["models", "--json"], { env });
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as {
    current: { provider: string; model: string };
    providers: Array<{ provider: string; configured: boolean; models: Array<{ id: string }> }>;
  };
  expect(out.current.provider).toBe("anthropic");
  expect(out.providers.map((p) => p.provider)).toEqual(["anthropic", "openai", "vertex"]);
  expect(out.providers.find((p) => p.provider === "anthropic")?.configured).toBe(true);
  expect(out.providers.find((p) => p.provider === "openai")?.configured).toBe(false);
  expect(out.providers.find((p) => p.provider === "openai")?.models.length).toBeGreaterThan(0);
});

test("escape sequences in a thread (the model's answer, the task) never reach the terminal; the thread keeps them", async () => {
  const evil = "answer \x1b]52;c;cHduZWQ=\x07with \x1b[2Jescapes";
  const hostile = await startFakeUpstream({ script: { turns: [{ text: evil }] } });
  try {
    const task = "task \x1b]0;retitled\x07 evil";
    const run = await loom(sb, ["run", task], { env: { ...env, ANTHROPIC_BASE_URL: hostile.url } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("answer with escapes");
    const list = await loom(sb, ["threads", "list"]);
    const id = list.stdout
      .split("\n")
      .find((l) => l.includes("task"))
      ?.split(" ")[0] as string;
    const show = await loom(sb, ["threads", "show", id]);
    const search = await loom(sb, ["threads", "search", "escapes"]);
    for (const out of [run.stdout, run.stderr, list.stdout, show.stdout, search.stdout]) {
      expect(out).not.toContain("\x1b");
      expect(out).not.toContain("\x07");
    }
    expect(show.stdout).toContain("task  evil");
    // Nothing is lost: the stored thread and its JSON keep the text as it came.
    const raw = JSON.parse((await loom(sb, ["threads", "show", id, "--json"])).stdout) as {
      messages: { content: string }[];
    };
    expect(raw.messages.map((m) => m.content)).toEqual([task, evil]);
  } finally {
    await hostile.stop();
  }
});
