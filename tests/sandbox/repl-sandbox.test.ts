/**
 * The REPL's sandbox question: a command the sandbox refused may run once outside it, if the user
 * says so; "n" leaves the refusal (and its note) as the model's result.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { createSandbox, type Sandbox } from "../cli/_harness.ts";
import { testNeeding } from "../cli/_needs-tool.ts";
import { hasTmux, type Terminal, tmuxTerminal } from "../cli/_tmux.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";

const probe = await probeSandbox(findBwrap());
const it = testNeeding("bubblewrap and tmux", probe.ok && hasTmux);

let up: FakeUpstream;
let sb: Sandbox;
let term: Terminal;
let outside: string;

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
  sb = createSandbox({ "readme.txt": "hi\n" });
  outside = realpathSync(mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : sb.root, "loom-out-")));
  term = tmuxTerminal();
});

afterAll(async () => {
  term.close();
  await up.stop();
  sb.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

const env = () => ({ ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url });

it("a refused command: the REPL offers to run it once outside the sandbox; y runs it, n does not", async () => {
  const yes = join(outside, "yes.txt");
  const no = join(outside, "no.txt");
  up.setScript({
    turns: [
      { toolCalls: [{ id: "b1", name: "bash", input: { command: `echo x > ${yes}` } }], stop: "tool_use" },
      { toolCalls: [{ id: "b2", name: "bash", input: { command: `echo x > ${no}` } }], stop: "tool_use" },
      { text: "Done." },
    ],
  });
  term.start("outside", ["--permission-mode", "auto"], env(), sb.workspace);
  await term.waitFor("› ", "the prompt");
  term.keys("write them", "Enter");
  await term.waitFor("Run this command once outside the sandbox? [y/n]");
  term.keys("y", "Enter");
  await term.waitFor(/outside the sandbox\? \[y\/n\] y\n(.|\n)*Run this command once outside the sandbox\?/);
  term.keys("n", "Enter");
  await term.waitFor("Done.");
  expect(existsSync(yes)).toBe(true);
  expect(existsSync(no)).toBe(false);
  // The model saw the second refusal with the sandbox's note.
  expect(JSON.stringify(up.requests.at(-1)?.body)).toContain("sandbox_denied");
  term.keys("C-d");
  await term.waitFor("exit=0", "loom to exit");
}, 60_000);
