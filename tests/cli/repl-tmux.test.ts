/**
 * The REPL in a real terminal (tmux): text streams in, a mutating tool asks for permission,
 * Ctrl-C cancels a stalled turn and the session goes on, /undo reverts the edit, Ctrl-D saves
 * and exits.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, loom, type Sandbox } from "./_harness.ts";
import { testNeeding } from "./_needs-tool.ts";
import { hasTmux, tmuxTerminal } from "./_tmux.ts";

/** Skips without tmux, except in CI (CI=true), where a missing tmux fails. */
const testWithTmux = testNeeding("tmux", hasTmux);
let up: FakeUpstream;
let sb: Sandbox;
const term = tmuxTerminal();
const { screen, keys } = term;
const waitFor = term.waitFor;

/** Starts `bun main.ts …args` in a new tmux window; the pane stays after exit to show `exit=<code>`. */
function start(name: string, args: string[]) {
  term.start(name, args, { ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url }, sb.workspace);
}

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      turns: [
        { text: ["Hello ", "from the ", "model."] },
        {
          toolCalls: [
            { name: "edit_file", input: { path: "notes.txt", edits: [{ old: "draft", new: "final" }] } },
          ],
        },
        { text: "Edited the notes." },
        { text: ["Thinking it over"], fault: "stall" },
        { text: "Still here after the cancel." },
      ],
      stallMs: 20_000,
    },
  });
  sb = createSandbox({ "notes.txt": "draft\n" });
});

afterAll(async () => {
  if (hasTmux) term.close();
  await up.stop();
  sb.cleanup();
});

testWithTmux(
  "REPL streams, asks permission, cancels with Ctrl-C, undoes, saves on Ctrl-D",
  async () => {
    start("loom", []);

    await waitFor("› ", "the prompt");
    // The banner's second line (model, provider, permission mode) comes once the session is ready,
    // above the prompt.
    const top = (await waitFor("(anthropic) · ask mode", "the session line")).split("\n");
    expect(top[1]).toBe("claude-sonnet-4-6 (anthropic) · ask mode");
    expect(top[2]).toMatch(/^› ?$/);
    keys("say hello", "Enter");
    await waitFor("Hello from the model.");

    keys("tidy the notes", "Enter");
    await waitFor("Allow edit_file notes.txt?");
    expect(readFileSync(join(sb.workspace, "notes.txt"), "utf8")).toBe("draft\n");
    keys("y", "Enter");
    await waitFor("Edited the notes.");
    expect(screen()).toContain("+ final");
    expect(readFileSync(join(sb.workspace, "notes.txt"), "utf8")).toBe("final\n");

    keys("think hard", "Enter");
    // The reply's first words arrived (the status line says the model is writing); its paragraph
    // is held back until it completes, so it shows when the cancel ends the turn.
    await waitFor("⋯ writing…", "the model writing");
    keys("C-c");
    await waitFor(/Thinking it over\ncancelled/, "the partial reply, then cancelled");
    // The cancelled turn's tokens are counted (estimated: the stream never reported its output).
    await waitFor(/[1-9]\d* in · [1-9]\d* out \(estimated\)/, "the cancelled turn's usage");
    keys("are you there", "Enter");
    await waitFor("Still here after the cancel.");

    keys("/undo", "Enter");
    await waitFor("reverted turn 1");
    expect(readFileSync(join(sb.workspace, "notes.txt"), "utf8")).toBe("draft\n");

    keys("C-d");
    const last = await waitFor("exit=0", "loom to exit");
    expect(last).toContain("saved T-");

    const threads = JSON.parse((await loom(sb, ["threads", "list", "--json"])).stdout) as Array<{
      id: string;
      title: string;
    }>;
    expect(threads).toHaveLength(1);
    expect(threads[0]?.title).toBe("say hello");
    const saved = JSON.parse((await loom(sb, ["threads", "show", threads[0]!.id, "--json"])).stdout) as {
      messages: Array<{ role: string; content: string; interrupted?: boolean }>;
    };
    // The cancelled turn keeps the user's message and the part of the answer that was shown.
    expect(saved.messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    expect(saved.messages[7]).toMatchObject({
      role: "assistant",
      content: "Thinking it over",
      interrupted: true,
    });
    // The cut-off turn is counted (Loom's estimate) on the reply the user saw.
    expect(saved.messages[7]).toMatchObject({ usage: { estimated: true } });
    expect(saved.messages.at(-1)?.content).toBe("Still here after the cancel.");
  },
  60_000,
);

testWithTmux(
  "loom run at a terminal asks before changing files",
  async () => {
    up.setScript({
      turns: [
        {
          toolCalls: [
            { name: "edit_file", input: { path: "todo.txt", edits: [{ old: "", new: "ship it\n" }] } },
          ],
        },
        { text: "Created the todo list." },
      ],
    });
    start("run", ["run", "write a todo list"]);
    await waitFor("Allow edit_file todo.txt?");
    keys("y", "Enter");
    await waitFor("exit=0", "loom run to finish");
    expect(screen()).toContain("Created the todo list.");
    expect(readFileSync(join(sb.workspace, "todo.txt"), "utf8")).toBe("ship it\n");
  },
  30_000,
);
