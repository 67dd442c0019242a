/**
 * The REPL's output in a real terminal (tmux): the model's Markdown laid out in a fixed-width
 * terminal as it streams, the status line during a turn, an edit's numbered diff, and `/expand`.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, type Sandbox } from "./_harness.ts";
import { testNeeding } from "./_needs-tool.ts";
import { hasTmux, type Terminal, tmuxTerminal } from "./_tmux.ts";

const testWithTmux = testNeeding("tmux", hasTmux);
let up: FakeUpstream;
let sb: Sandbox;
let term: Terminal;

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
  sb = createSandbox({ "src/app.ts": "import x from 'y';\n\nexport function port() {\n  return 8080;\n}\n" });
  term = tmuxTerminal();
});

afterAll(async () => {
  if (hasTmux) term.close();
  await up.stop();
  sb.cleanup();
});

const env = (extra: Record<string, string> = {}) => ({
  ...sb.env,
  ANTHROPIC_API_KEY: "k",
  ANTHROPIC_BASE_URL: up.url,
  ...extra,
});

/** The model's answer, cut into deltas at awkward places (mid-word, mid-row, mid-fence). */
const ANSWER = [
  "## Plan\n\nThe server reads its **port** from `PORT`; see [the docs](https://loom.dev/docs) for",
  " more. This sentence is long enough that it has to wrap at the sixty columns of this terminal.\n\n",
  "1. Read the config\n2. Change the *default*\n   - keep the env override\n\n| setting | default | where",
  " |\n|:--|--:|:--|\n| port | 8080 | src/app.ts |\n| host | 127.0.0.1 | env |\n\n```ts\nexport function port()",
  " {\n  return Number(process.env.PORT ?? 8080);\n}\n```\n\nDone.",
];

testWithTmux(
  "Markdown is laid out as it streams in a 60-column terminal (snapshot)",
  async () => {
    up.setScript({ turns: [{ text: ANSWER }] });
    // Colour on (the harness sets NO_COLOR); the screen capture shows the layout without the escapes.
    term.start("md", [], env({ NO_COLOR: "" }), sb.workspace, { cols: 60, rows: 50 });
    await term.waitFor("(anthropic) · ask mode", "the session line");
    term.keys("explain the port", "Enter");
    const screen = await term.waitFor(/ in · \d+ out/, "the turn's summary");
    const lines = screen.split("\n");
    const from = lines.findIndex((l) => l.includes("explain the port")) + 1;
    const to = lines.findIndex((l) => / in · \d+ out/.test(l));
    expect(lines.slice(from, to).map((l) => l.trimEnd())).toEqual([
      "Plan",
      "",
      "The server reads its port from PORT; see the docs",
      "(https://loom.dev/docs) for more. This sentence is long",
      "enough that it has to wrap at the sixty columns of this",
      "terminal.",
      "",
      "1. Read the config",
      "2. Change the default",
      "   • keep the env override",
      "",
      "┌─────────┬───────────┬────────────┐",
      "│ setting │   default │ where      │",
      "├─────────┼───────────┼────────────┤",
      "│ port    │      8080 │ src/app.ts │",
      "│ host    │ 127.0.0.1 │ env        │",
      "└─────────┴───────────┴────────────┘",
      "",
      "  export function port() {",
      "    return Number(process.env.PORT ?? 8080);",
      "  }",
      "",
      "Done.",
    ]);
    term.keys("C-d");
    await term.waitFor("exit=0", "loom to exit");
  },
  60_000,
);

testWithTmux(
  "the status line shows model, modes, context, tokens, cost and the running tool; the edit's diff has line numbers; /expand shows all",
  async () => {
    const gate = `${sb.workspace}/.gate`;
    const command = `for i in $(seq 1 200); do [ -e ${gate} ] && break; sleep 0.05; done; seq 1 40`;
    up.setScript({
      turns: [
        {
          toolCalls: [
            {
              name: "edit_file",
              input: { path: "src/app.ts", edits: [{ old: "  return 8080;", new: "  return 3000;" }] },
            },
          ],
          usage: { input: 100_000, output: 100 },
        },
        { toolCalls: [{ name: "bash", input: { command } }], usage: { input: 200_000, output: 100 } },
        { text: "Counted.", usage: { input: 50_000, output: 10 } },
      ],
    });
    term.start("status", ["--permission-mode", "auto"], env({ PAGER: "cat" }), sb.workspace, {
      cols: 200,
      rows: 50,
    });
    await term.waitFor("(anthropic) · auto mode", "the session line");
    term.keys("change the port and count", "Enter");
    // The edit, numbered where it sits in the file.
    await term.waitFor(
      /✓ edit_file src\/app\.ts .*\n {2}4 - {3}return 8080;\n {2}4 \+ {3}return 3000;/,
      "the numbered diff",
    );
    // While the command runs: what runs and for how long, then the session's figures. The second
    // request (200,000 + 100 tokens) fills 20% of claude-sonnet-4-6's 1M window; both made 300.2k.
    const live = await term.waitFor(/⋯ bash for i in .* · \d+\.\d s │ /, "the status line");
    const status = live.split("\n").find((l) => l.startsWith("⋯ bash"))!;
    expect(status).toMatch(
      /│ claude-sonnet-4-6 · auto · sandbox workspace-write · ctx 20% of 1\.00M · 300\.2k tokens · \$0\.\d{4}$/,
    );
    await Bun.write(gate, "");
    const done = await term.waitFor("Counted.");
    expect(done).toContain("│ … 32 earlier lines (/expand or Ctrl-O shows all)");
    expect(done).not.toContain("⋯ bash");
    await term.waitFor(/ in · \d+ out/, "the turn's summary");
    term.keys("/expand", "Enter");
    // Wait for the closing rule: the 40 lines may still be arriving when the first ones show.
    const expanded = await term.waitFor(
      /── bash for i in .*: 40 lines\n1\n2\n3\n[\s\S]*\n40\n──\n/,
      "the whole output",
    );
    expect(expanded).toMatch(/\n38\n39\n40\n──\n/);
    term.keys("C-d");
    await term.waitFor("exit=0", "loom to exit");
  },
  60_000,
);

testWithTmux(
  "output taller than the terminal opens in the pager with the terminal's keys (Ctrl-O), then the prompt is back",
  async () => {
    up.setScript({
      turns: [{ toolCalls: [{ name: "bash", input: { command: "seq 1 60" } }] }, { text: "Listed." }],
    });
    // A pager that shows the text, then waits for a key from the terminal (as less does).
    const pager = 'cat; printf "[pager end] "; read x < /dev/tty; echo "pager read: $x"';
    term.start("pager", ["--permission-mode", "auto"], env({ PAGER: pager }), sb.workspace, {
      cols: 100,
      rows: 20,
    });
    await term.waitFor("(anthropic) · auto mode", "the session line");
    term.keys("list sixty", "Enter");
    await term.waitFor(/ in · \d+ out/, "the turn's summary");
    term.keys("C-o");
    await term.waitFor("[pager end]", "the pager");
    term.keys("q", "Enter");
    // The key went to the pager, not to the REPL; the REPL prompts again and still works.
    await term.waitFor(/pager read: q\n› /, "the pager reading the terminal, then the prompt");
    term.keys("/expand", "Enter");
    const again = await term.waitFor(/pager read: q\n› \/expand\n[\s\S]*\[pager end\]/, "the pager again");
    expect(again.split("bash seq 1 60: 60 lines")).toHaveLength(3);
    term.keys("Enter");
    await term.waitFor(/pager read: \n› /, "the prompt after the pager");
    term.keys("C-d");
    await term.waitFor("exit=0", "loom to exit");
  },
  60_000,
);

testWithTmux(
  "loom run at a terminal lays out the answer as Markdown too",
  async () => {
    up.setScript({ turns: [{ text: ["## Do", "ne\n\n- **one**\n- `two`\n"] }] });
    term.start("run-md", ["run", "summarise"], env({ NO_COLOR: "" }), sb.workspace, { cols: 80, rows: 20 });
    const screen = await term.waitFor("exit=0", "loom run to finish");
    expect(screen).toMatch(/^Done\n\n• one\n• two\n/m);
    expect(screen).not.toContain("**");
  },
  30_000,
);
