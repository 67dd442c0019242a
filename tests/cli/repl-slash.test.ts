/** The REPL over piped stdin: one input per line, slash commands, save on end of input. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, loom, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [{ text: "answer one" }, { text: "answer two" }] } });
  sb = createSandbox({ "README.md": "x\n" });
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

test("slash commands drive threads, model, mode and cost", async () => {
  const input = [
    "first question",
    "/new",
    "second question",
    "/threads",
    "/model gpt-5",
    "/mode read-only",
    "/cost",
    "/help",
    "/bogus",
    "/exit",
    "never sent",
  ].join("\n");
  const env = { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url, OPENAI_API_KEY: "k" };
  const r = await loom(sb, [], { env, stdin: `${input}\n` });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const out = r.stdout;
  // The banner's second line names the model, its provider and the permission mode.
  expect(out.split("\n")[1]).toBe("claude-sonnet-4-6 (anthropic) · ask mode");
  expect(out).toContain("answer one");
  expect(out).toMatch(/new thread T-/);
  expect(out).toContain("answer two");
  expect(out).toMatch(/\* T-\S+ +\S+ ago +second question/);
  expect(out).toContain("model: gpt-5 (openai)");
  expect(out).toContain("permission mode: read-only");
  expect(out).toContain("/undo [list]");
  expect(out).toContain("unknown command /bogus");
  expect(up.requests).toHaveLength(2);

  const list = JSON.parse((await loom(sb, ["threads", "list", "--json"])).stdout) as Array<{ title: string }>;
  expect(list.map((t) => t.title)).toEqual(["second question", "first question"]);
});
