/**
 * The REPL's commands and extension points over piped stdin against the fake upstream: a custom
 * Markdown command (in /help, expanded, limited to its allowed tools), plan mode (an edit is refused
 * in the permission check until /plan approve), /diff, /context, /status, /permissions, /compact.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, loom, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;

const EDIT = { name: "edit_file", input: { path: "src/math.ts", edits: [{ old: "a - b", new: "a + b" }] } };

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      turns: [
        { text: "The file looks fine." }, // /review
        { toolCalls: [{ id: "toolu_p1", ...EDIT }] }, // /plan …: tries to edit at once
        { text: "Plan: change a - b to a + b in src/math.ts." },
        { toolCalls: [{ id: "toolu_p2", ...EDIT }] }, // /plan approve
        { text: "Done." },
        { text: "SUMMARY: fixed add in src/math.ts." }, // /compact
      ],
    },
  });
  sb = createSandbox({
    "src/math.ts": "export const add = (a: number, b: number) => a - b;\n",
    ".loom/commands/review.md":
      "---\ndescription: Review one file\nargument-hint: [path]\nallowed-tools: read_file, grep\n---\nReview $ARGUMENTS for bugs.\n",
  });
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

interface Body {
  tools?: Array<{ name: string }>;
  system?: unknown;
  messages: Array<{ role: string; content: unknown }>;
}

test("custom commands, plan mode, diff, context, status and compact", async () => {
  const input = [
    "/help",
    "/review src/math.ts",
    "/plan fix add",
    "/permissions",
    "/plan approve",
    "/diff",
    "/context",
    "/status",
    "/compact keep file names",
    "/exit",
  ].join("\n");
  const r = await loom(sb, ["--permission-mode", "auto"], {
    env: { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url },
    stdin: `${input}\n`,
  });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const out = r.stdout;
  const bodies = up.requests.map((q) => q.body as Body);

  // The custom command is listed, expanded and limited to its tools.
  expect(out).toMatch(/\/review \[path\] +Review one file \(\.loom\/commands\)/);
  expect(out).toMatch(/\/compact \[focus\]/);
  expect(JSON.stringify(bodies[0]?.messages)).toContain("Review src/math.ts for bugs.");
  expect(bodies[0]?.tools?.map((t) => t.name).sort()).toEqual(["grep", "read_file"]);

  // Plan mode: the edit is refused by the permission check (auto mode notwithstanding), nothing changes.
  expect(JSON.stringify(bodies[1]?.messages)).toContain("[Plan mode");
  const refusal = JSON.stringify(bodies[2]?.messages);
  expect(refusal).toContain("PERMISSION_DENIED: plan mode: edit_file would change the workspace");
  expect(out).toContain("plan mode: edits and commands are refused until /plan approve");
  expect(out).toContain("permission mode: auto · plan mode");
  // Approved: the same edit now runs.
  expect(JSON.stringify(bodies[3]?.messages)).toContain("The plan is approved.");
  expect(readFileSync(join(sb.workspace, "src/math.ts"), "utf8")).toContain("a + b");

  // /diff shows the agent's change of this thread.
  expect(out).toContain("# turn 1: The plan is approved.");
  expect(out).toContain("-export const add = (a: number, b: number) => a - b;");
  expect(out).toContain("+export const add = (a: number, b: number) => a + b;");
  // /context and /status.
  expect(out).toMatch(/system prompt and instructions +\d/);
  expect(out).toMatch(/tool definitions \(\d+\)/);
  expect(out).toMatch(/permissions +auto/);
  expect(out).toMatch(/context +\S+ of \S+ \(\d+\.\d%\)/);

  // /compact asks the model for a summary focused as told, and the thread goes on from it.
  const summaryRequest = bodies[5];
  expect(JSON.stringify(summaryRequest?.system)).toContain("Focus the summary on: keep file names");
  expect(out).toMatch(/compacted: \S+ → \S+ tokens/);
  const list = JSON.parse((await loom(sb, ["threads", "list", "--json"])).stdout) as Array<{ id: string }>;
  const thread = JSON.parse((await loom(sb, ["threads", "show", list[0]!.id, "--json"])).stdout) as {
    messages: Array<{ content: string }>;
  };
  expect(thread.messages).toHaveLength(2);
  expect(thread.messages[0]?.content).toContain("SUMMARY: fixed add in src/math.ts.");
});
