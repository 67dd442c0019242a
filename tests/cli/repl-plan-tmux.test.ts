/**
 * Plan mode and sub-agents in a real terminal (tmux), ask mode: while planning, an edit is refused
 * without a question; after `/plan approve` the same edit asks as usual. A `task` call shows its
 * sub-agent's calls as nested lines.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, type Sandbox } from "./_harness.ts";
import { hasTmux, type Terminal, tmuxTerminal } from "./_tmux.ts";

let up: FakeUpstream;
let sb: Sandbox;
let term: Terminal;

const EDIT = { name: "edit_file", input: { path: "notes.txt", edits: [{ old: "draft", new: "final" }] } };

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      turns: [
        {
          toolCalls: [
            { id: "toolu_t", name: "task", input: { description: "look", prompt: "Read notes.txt" } },
          ],
        },
        { toolCalls: [{ id: "toolu_r", name: "read_file", input: { path: "notes.txt" } }] },
        { text: "notes.txt says draft" },
        { toolCalls: [{ id: "toolu_e1", ...EDIT }] },
        { text: "PLAN: replace draft with final." },
        { toolCalls: [{ id: "toolu_e2", ...EDIT }] },
        { text: "Edited." },
      ],
    },
  });
  sb = createSandbox({ "notes.txt": "draft\n" });
  term = tmuxTerminal();
});
afterAll(async () => {
  term.close();
  await up.stop();
  sb.cleanup();
});

test.skipIf(!hasTmux)(
  "plan mode refuses without asking; after approval the edit asks; sub-agent calls nest",
  async () => {
    term.start(
      "plan",
      ["--permission-mode", "ask"],
      { ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url },
      sb.workspace,
    );
    await term.waitFor("› ", "the prompt");
    await term.waitFor("ask mode", "the session line");
    term.keys("/plan make the notes final", "Enter");
    await term.waitFor("task: → read_file notes.txt", "the sub-agent's call under the task call");
    await term.waitFor("PLAN: replace draft with final.");
    const planning = term.screen();
    expect(planning).toContain("PERMISSION_DENIED: plan mode: edit_file would change the workspace");
    expect(planning).not.toContain("Allow edit_file");
    expect(readFileSync(join(sb.workspace, "notes.txt"), "utf8")).toBe("draft\n");

    term.keys("/plan approve", "Enter");
    await term.waitFor("Allow edit_file", "the permission question after approval");
    term.keys("y", "Enter");
    await term.waitFor("Edited.");
    expect(readFileSync(join(sb.workspace, "notes.txt"), "utf8")).toBe("final\n");
    term.keys("C-d");
    await term.waitFor("exit=0");
  },
);
