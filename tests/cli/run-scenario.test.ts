/**
 * `loom run` end to end: the real CLI against the fake upstream's scripted model, through a
 * coding task in a temporary git repository (read, search, edit, run a command, answer), then
 * the saved thread, `threads list/show/search`, `resume`, and `undo`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Script } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, type Sandbox } from "./_harness.ts";

const BUGGY = "export function add(a: number, b: number): number {\n  return a - b;\n}\n";
const FIXED = "export function add(a: number, b: number): number {\n  return a + b;\n}\n";

const script: Script = {
  turns: [
    {
      text: "Let me look at the code.",
      toolCalls: [
        { name: "read_file", input: { path: "src/math.ts" } },
        { name: "grep", input: { pattern: "add\\(", path: "." } },
      ],
    },
    {
      toolCalls: [
        { name: "edit_file", input: { path: "src/math.ts", edits: [{ old: "a - b", new: "a + b" }] } },
      ],
    },
    { toolCalls: [{ name: "bash", input: { command: "grep -c 'a + b' src/math.ts" } }] },
    { text: ["Fixed `add`: it subtracted ", "instead of adding. The check finds the fix."] },
    // `loom resume` (REPL over piped stdin) asks one more question.
    { text: "I changed src/math.ts only." },
  ],
};

let up: FakeUpstream;
let sb: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  up = await startFakeUpstream({ script });
  sb = createSandbox({
    "src/math.ts": BUGGY,
    "src/main.ts": 'import { add } from "./math.ts";\nconsole.log(add(2, 3));\n',
    "AGENTS.md": "Run checks with grep. Never touch main.ts.\n",
  });
  env = { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: up.url };
});

afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

test("a coding task runs to completion and leaves a thread, resumable and undoable", async () => {
  const run = await loom(
    sb,
    ["run", "--json", "--permission-mode", "auto", "Fix the add function in src/math.ts"],
    { env },
  );
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const events = jsonLines(run.stdout);

  // The file changed, through the tools, in order.
  expect(readFileSync(join(sb.workspace, "src/math.ts"), "utf8")).toBe(FIXED);
  const started = events.filter((e) => e.type === "tool.started").map((e) => e.name);
  expect(started).toEqual(["read_file", "grep", "edit_file", "bash"]);
  const completed = events.filter((e) => e.type === "tool.completed");
  expect(completed.every((e) => e.isError === false)).toBe(true);
  expect(completed.find((e) => e.name === "bash")?.output).toContain("1");
  expect(
    events.some((e) => e.type === "text.delta" && e.text === "instead of adding. The check finds the fix."),
  ).toBe(true);
  expect(events.some((e) => e.type === "undo.recorded")).toBe(true);
  const final = events.at(-1)!;
  expect(final.type).toBe("final");
  expect(final.reason).toBe("end_turn");
  expect(final.text).toBe("Fixed `add`: it subtracted instead of adding. The check finds the fix.");
  const threadId = String(final.threadId);
  expect(threadId).toMatch(/^T-/);

  // The workspace's AGENTS.md reached the model in the system prompt.
  const first = up.requests[0]?.body as { system?: unknown };
  expect(JSON.stringify(first.system)).toContain("Never touch main.ts.");

  // The thread is saved with the whole conversation.
  const list = await loom(sb, ["threads", "list", "--json"]);
  expect(list.code).toBe(0);
  const threads = JSON.parse(list.stdout) as Array<{
    id: string;
    title: string;
    messageCount: number;
    workspace: string;
  }>;
  expect(threads.map((t) => t.id)).toEqual([threadId]);
  expect(threads[0]?.title).toBe("Fix the add function in src/math.ts");
  expect(threads[0]?.messageCount).toBe(9); // user, 3×(assistant + tools), answer
  const show = await loom(sb, ["threads", "show", threadId.slice(-12)]);
  expect(show.stdout).toContain("edit_file src/math.ts");
  const search = await loom(sb, ["threads", "search", "subtracted"]);
  expect(search.code).toBe(0);
  expect(search.stdout).toContain(threadId);

  // `loom resume` continues the same thread with its history.
  const resume = await loom(sb, ["resume"], { env, stdin: "What did you change?\n" });
  expect(resume.code).toBe(0);
  expect(resume.stdout).toContain("I changed src/math.ts only.");
  const resumed = JSON.stringify((up.requests.at(-1)!.body as { messages: unknown[] }).messages);
  expect(resumed).toContain("Fix the add function in src/math.ts");
  expect(resumed).toContain("What did you change?");
  const shown = JSON.parse((await loom(sb, ["threads", "show", threadId, "--json"])).stdout) as {
    messages: unknown[];
  };
  expect(shown.messages).toHaveLength(11);

  // `loom undo` restores the file and leaves the user's git state alone.
  const undoList = await loom(sb, ["undo", "--list"]);
  expect(undoList.stdout).toContain("M src/math.ts");
  const undo = await loom(sb, ["undo"]);
  expect(undo.code).toBe(0);
  expect(undo.stdout).toContain("restored src/math.ts");
  expect(readFileSync(join(sb.workspace, "src/math.ts"), "utf8")).toBe(BUGGY);
  expect(sb.git("status", "--porcelain")).toBe("");
  expect(sb.git("log", "--format=%s")).toBe("initial");
  const again = await loom(sb, ["undo"]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain("nothing to undo");
}, 60_000);
