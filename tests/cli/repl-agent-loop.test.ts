/**
 * The agent loop in the REPL, in a real terminal (tmux): the question at the step limit.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, type Sandbox } from "./_harness.ts";
import { hasTmux, type Terminal, tmuxTerminal } from "./_tmux.ts";

let up: FakeUpstream;
let sb: Sandbox;
let term: Terminal;

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
  sb = createSandbox({ "notes.txt": "draft\n" });
  term = tmuxTerminal();
});

afterAll(async () => {
  term.close();
  await up.stop();
  sb.cleanup();
});

const env = () => ({ ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url });
const read = (id: string) => ({
  toolCalls: [{ id, name: "read_file", input: { path: "notes.txt" } }],
  stop: "tool_use" as const,
});

test.skipIf(!hasTmux)(
  "at --max-steps the REPL asks whether to go on: yes continues, no stops the turn",
  async () => {
    up.setScript({ turns: [read("r1"), read("r2"), read("r3"), { text: "All read." }] });
    term.start("steps", ["--max-steps", "1"], env(), sb.workspace);
    await term.waitFor("› ", "the prompt");
    term.keys("read it all", "Enter");
    await term.waitFor(
      "The turn made 1 model requests (the max_steps limit). Continue for up to 1 more? [y/n]",
    );
    term.keys("y", "Enter");
    await term.waitFor(
      /Continue for up to 1 more\? \[y\/n\] y\n(.|\n)*Continue for up to 1 more\?/,
      "a second question",
    );
    term.keys("n", "Enter");
    await term.waitFor("stopped after 1 model requests in one turn");
    expect(up.requests).toHaveLength(2);
    term.keys("C-d");
    await term.waitFor("exit=0", "loom to exit");
  },
  60_000,
);
