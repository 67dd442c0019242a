/**
 * The REPL's sandbox questions: a command the sandbox refused may run once outside it, if the user
 * says so ("n" leaves the refusal and its note as the model's result); and where no sandbox can be
 * made, an auto session asks once whether commands may run without one.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
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

it("no sandbox possible in auto mode: the REPL asks once; n refuses every command of the session", async () => {
  const fakeBin = join(sb.root, "fake-bin");
  mkdirSync(fakeBin, { recursive: true });
  writeFileSync(
    join(fakeBin, "bwrap"),
    "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n",
  );
  chmodSync(join(fakeBin, "bwrap"), 0o755);
  up.setScript({
    turns: [
      { toolCalls: [{ id: "c1", name: "bash", input: { command: "touch one.txt" } }], stop: "tool_use" },
      { toolCalls: [{ id: "c2", name: "bash", input: { command: "touch two.txt" } }], stop: "tool_use" },
      { text: "Could not." },
    ],
  });
  term.start(
    "nobox",
    ["--permission-mode", "auto"],
    { ...env(), PATH: `${fakeBin}:${sb.env.PATH}` },
    sb.workspace,
  );
  await term.waitFor("› ", "the prompt");
  term.keys("touch them", "Enter");
  await term.waitFor("Run the agent's commands without a sandbox for this session? [y/n]");
  term.keys("n", "Enter");
  const screen = await term.waitFor("Could not.");
  expect(screen.match(/without a sandbox for this session\?/g)).toHaveLength(1);
  expect(screen).toContain("setting up uid map: Permission denied");
  expect(existsSync(join(sb.workspace, "one.txt"))).toBe(false);
  expect(existsSync(join(sb.workspace, "two.txt"))).toBe(false);
  expect(JSON.stringify(up.requests.at(-1)?.body)).toContain("SANDBOX_UNAVAILABLE");
  term.keys("C-d");
  await term.waitFor("exit=0", "loom to exit");
}, 60_000);

it("loom run at a terminal asks too: y runs the refused command once outside the sandbox", async () => {
  const target = join(outside, "run-yes.txt");
  up.setScript({
    turns: [
      { toolCalls: [{ id: "r1", name: "bash", input: { command: `echo x > ${target}` } }], stop: "tool_use" },
      { text: "Written." },
    ],
  });
  term.start("run-outside", ["run", "--permission-mode", "auto", "write it"], env(), sb.workspace);
  await term.waitFor("Run this command once outside the sandbox? [y/n]");
  term.keys("y", "Enter");
  await term.waitFor("exit=0", "loom run to finish");
  expect(existsSync(target)).toBe(true);
  expect(JSON.stringify(up.requests.at(-1)?.body)).toContain("ran_outside_sandbox");
}, 60_000);

it("!command runs in the sandbox: it writes in the workspace, not outside it", async () => {
  const beyond = join(outside, "bang.txt");
  up.setScript({ turns: [{ text: "Noted." }] });
  term.start("bang", [], env(), sb.workspace);
  await term.waitFor("(anthropic) · ask mode", "the session line");
  term.keys(`!touch inside.txt && echo made-inside; echo x > ${beyond}`, "Enter");
  await term.waitFor("✗ exit code 1", "the refused write's status");
  await term.waitFor("the model sees this output with your next message");
  expect(existsSync(join(sb.workspace, "inside.txt"))).toBe(true);
  expect(existsSync(beyond)).toBe(false);
  term.keys("C-d");
  await term.waitFor("exit=0", "loom to exit");
}, 30_000);
