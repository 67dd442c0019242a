/**
 * The `task` tool end to end: `loom run` against the fake upstream (Anthropic's wire format). The
 * model hands two searches to sub-agents; each runs its own conversation (its own context, the
 * read-only tools only) and the main conversation gets their summaries as the tool results.
 * `[subagents] max_parallel = 1` makes the sub-conversations run one after the other.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;

interface Body {
  system?: string | Array<{ text: string }>;
  tools?: Array<{ name: string }>;
  messages: Array<{
    role: string;
    content: string | Array<{ type: string; text?: string; content?: unknown }>;
  }>;
}

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      turns: [
        {
          text: "Two searches.",
          toolCalls: [
            {
              id: "toolu_a",
              name: "task",
              input: { description: "find add", prompt: "Where is add defined?" },
            },
            {
              id: "toolu_b",
              name: "task",
              input: { description: "find tests", prompt: "Which tests cover add?" },
            },
          ],
        },
        // The first sub-agent reads a file, then answers; the second answers at once.
        { toolCalls: [{ id: "toolu_r", name: "read_file", input: { path: "src/math.ts" } }] },
        { text: "SUMMARY ONE" },
        { text: "SUMMARY TWO" },
        { text: "Both searches are done." },
      ],
    },
  });
  sb = createSandbox({ "src/math.ts": "export const add = (a: number, b: number) => a + b;\n" });
  mkdirSync(join(sb.env.XDG_CONFIG_HOME!, "loom"), { recursive: true });
  writeFileSync(join(sb.env.XDG_CONFIG_HOME!, "loom", "config.toml"), "[subagents]\nmax_parallel = 1\n");
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

const systemText = (b: Body) =>
  typeof b.system === "string" ? b.system : (b.system ?? []).map((p) => p.text).join("");

test("task calls run sub-conversations with their own context and read-only tools", async () => {
  const r = await loom(sb, ["run", "--json", "--permission-mode", "auto", "Look into add"], {
    env: { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url },
  });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const bodies = up.requests.map((q) => q.body as Body);
  expect(bodies).toHaveLength(5);
  const [main1, sub1, sub1b, sub2, main2] = bodies;
  // The main conversation offers task; a sub-conversation only read-only tools, never task itself.
  expect(main1!.tools?.map((t) => t.name)).toContain("task");
  const subTools = sub1!.tools?.map((t) => t.name) ?? [];
  expect(subTools).toContain("read_file");
  for (const name of ["task", "edit_file", "bash"]) expect(subTools).not.toContain(name);
  // Own context: the sub-agent sees its prompt, not the user's request.
  expect(JSON.stringify(sub1!.messages)).not.toContain("Look into add");
  expect(systemText(sub1!)).toContain("# Sub-task");
  // One at a time: the first sub-conversation finishes (its read's result comes back) before the second starts.
  expect(JSON.stringify(sub1b!.messages)).toContain("toolu_r");
  expect(sub2!.messages).toHaveLength(1);
  // The main conversation gets the two summaries as the task calls' results.
  const results = JSON.stringify(main2!.messages);
  expect(results).toContain("SUMMARY ONE");
  expect(results).toContain("SUMMARY TWO");
  const events = jsonLines(r.stdout);
  const done = events.filter((e) => e.type === "tool.completed" && e.name === "task");
  expect(done.map((e) => e.isError)).toEqual([false, false]);
  expect(
    events.some((e) => e.type === "tool.progress" && String(e.message).includes("→ read_file src/math.ts")),
  ).toBe(true);
  expect(events.at(-1)).toMatchObject({ type: "final", reason: "end_turn", text: "Both searches are done." });
});
