/**
 * The agent loop in a real terminal (tmux): what a permission question shows before it asks, a
 * running command's live elapsed time and its output's tail, and the question at the step limit.
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

test.skipIf(!hasTmux)(
  "the REPL shows an edit's diff before asking, and not again after it",
  async () => {
    up.setScript({
      turns: [
        {
          toolCalls: [
            { name: "edit_file", input: { path: "notes.txt", edits: [{ old: "draft", new: "final" }] } },
          ],
        },
        { text: "Edited the notes." },
      ],
    });
    term.start("preview", [], env(), sb.workspace);
    await term.waitFor("› ", "the prompt");
    term.keys("tidy the notes", "Enter");
    const asking = await term.waitFor("Allow edit_file notes.txt?");
    // Numbered where the snippet sits in the file.
    expect(asking).toMatch(/ {2}1 - draft\n {2}1 \+ final\nAllow edit_file notes\.txt\?/);
    term.keys("y", "Enter");
    const done = await term.waitFor("Edited the notes.");
    expect(done.match(/\+ final/g)).toHaveLength(1);
    term.keys("C-d");
    await term.waitFor("exit=0", "loom to exit");
  },
  60_000,
);

test.skipIf(!hasTmux)(
  "loom run at a terminal shows a multi-line command before asking to run it",
  async () => {
    up.setScript({
      turns: [
        { toolCalls: [{ name: "bash", input: { command: "echo one &&\necho two" } }] },
        { text: "Ran it." },
      ],
    });
    term.start("run-preview", ["run", "run the script"], env(), sb.workspace);
    const asking = await term.waitFor("Allow bash echo one && echo two?");
    expect(asking).toMatch(/ {2}\$ echo one &&\n {4}echo two\nAllow bash/);
    term.keys("n", "Enter");
    await term.waitFor(/exit=\d/, "loom run to finish");
  },
  60_000,
);

test.skipIf(!hasTmux)(
  "a running command shows its elapsed time live, then the tail of its output",
  async () => {
    // The command waits for a file the test creates once the status line has been seen.
    // In the workspace: the sandbox the command runs in has a private /tmp.
    const gate = `${sb.workspace}/.gate`;
    const command = `for i in $(seq 1 200); do [ -e ${gate} ] && break; sleep 0.05; done; seq 1 30`;
    up.setScript({ turns: [{ toolCalls: [{ name: "bash", input: { command } }] }, { text: "Counted." }] });
    term.start("live", ["--permission-mode", "auto"], env(), sb.workspace);
    await term.waitFor("› ", "the prompt");
    term.keys("count to thirty", "Enter");
    await term.waitFor(/⋯ bash for i in .* · \d+\.\d s/, "the live status line");
    await Bun.write(gate, "");
    const done = await term.waitFor("Counted.");
    expect(done).toMatch(/✓ bash for i in .*\n {2}│ … 22 earlier lines.*\n {2}│ 23\n(.|\n)* {2}│ 30\n/);
    expect(done).not.toContain("⋯ bash");
    term.keys("C-d");
    await term.waitFor("exit=0", "loom to exit");
  },
  60_000,
);
