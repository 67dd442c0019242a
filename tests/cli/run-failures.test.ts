/**
 * `loom run` when the provider fails: unreachable, 401, 429, a stream that breaks and is retried.
 * One error line, the right exit code, clean stdout, and `--json` stays JSON lines to the end.
 */
import { afterAll, afterEach, expect, test } from "bun:test";
import type { Script } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, MAIN } from "./_harness.ts";

// One retry keeps the failing cases fast; the retry logic itself is the agent's (tested there).
const sb = createSandbox({ ".loom/config.toml": "[agent]\nmax_retries = 1\n" });
let up: FakeUpstream | undefined;
afterEach(async () => {
  await up?.stop();
  up = undefined;
});
afterAll(() => sb.cleanup());

async function against(script: Script): Promise<Record<string, string>> {
  up = await startFakeUpstream({ script });
  return { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url };
}

/** stderr's lines that are errors (not retry notices or the summary). */
const errorLines = (stderr: string) =>
  stderr.split("\n").filter((l) => /error|loom:/.test(l) && !l.startsWith("model error"));

test("connection refused: exit 1, the error said once, nothing on stdout", async () => {
  const r = await loom(sb, ["run", "hi"], {
    env: { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: "http://127.0.0.1:1" },
  });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(errorLines(r.stderr)).toEqual([
    expect.stringMatching(/^loom: anthropic: connection failed \(ECONNREFUSED/),
  ]);
  expect(r.stderr).toContain("retrying");
});

test("401: no retry, one line", async () => {
  const env = await against({ turns: [{ error: { status: 401, message: "invalid x-api-key" } }] });
  const r = await loom(sb, ["run", "hi"], { env });
  expect(r.code).toBe(1);
  expect(errorLines(r.stderr)).toEqual(["loom: anthropic: 401 invalid x-api-key"]);
  expect(r.stderr).not.toContain("retrying");
});

test("a stream that breaks mid-answer and succeeds on retry leaves only the full answer on stdout", async () => {
  const env = await against({
    turns: [{ text: ["partial ", "words"], fault: "disconnect" }, { text: ["Full ", "answer."] }],
  });
  const r = await loom(sb, ["run", "hi"], { env });
  expect(r.code).toBe(0);
  expect(r.stdout).toBe("Full answer.\n");
  expect(r.stderr).toContain("retrying");
});

test("a malformed stream that never recovers: exit 1, no half answer on stdout", async () => {
  const env = await against({
    turns: [{ text: ["half", " answer"], fault: "malformed" }],
    onExhausted: "repeat",
  });
  const r = await loom(sb, ["run", "hi"], { env });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(errorLines(r.stderr)).toEqual([expect.stringContaining("loom: anthropic: malformed response data")]);
});

test("--json on 429: every line is JSON, the last is final with the error", async () => {
  const env = await against({
    turns: [{ error: { status: 429, message: "slow down", headers: { "retry-after": "0" } } }],
    onExhausted: "repeat",
  });
  const r = await loom(sb, ["run", "--json", "hi"], { env });
  expect(r.code).toBe(1);
  const events = jsonLines(r.stdout);
  expect(events.filter((e) => e.type === "llm.failed").map((e) => e.willRetry)).toEqual([true, false]);
  expect(events.at(-1)).toMatchObject({ type: "final", reason: "error", error: "anthropic: 429 slow down" });
});

test("--json usage errors still end with a final event (exit 2)", async () => {
  for (const args of [
    ["run", "--json"],
    ["run", "--json", "--bogus", "x"],
    ["run", "--json", "-"],
  ]) {
    const r = await loom(sb, args, { stdin: "" });
    expect(r.code).toBe(2);
    const events = jsonLines(r.stdout);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "final", reason: "error" });
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  }
});

test("a thread store that cannot be written: refused before the turn, files untouched", async () => {
  const env = await against({
    turns: [{ toolCalls: [{ name: "edit_file", input: { path: "a.txt", edits: [{ old: "", new: "x" }] } }] }],
  });
  const r = await loom(sb, ["run", "--permission-mode", "auto", "hi"], {
    env: { ...env, XDG_DATA_HOME: "/dev/null" },
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    "loom: INVALID_INPUT: cannot save threads in /dev/null/loom/threads (ENOTDIR); check XDG_DATA_HOME\n",
  );
  expect(await Bun.file(`${sb.workspace}/a.txt`).exists()).toBe(false);
});

test("a thread store that breaks mid-turn: warned, exit 1, and the process ends", async () => {
  const threads = `${sb.env.XDG_DATA_HOME}/loom/threads`;
  const env = await against({
    turns: [
      { toolCalls: [{ name: "bash", input: { command: `rm -rf ${threads} && touch ${threads}` } }] },
      { text: "done" },
    ],
  });
  // Outside the sandbox: inside it the command could not reach the thread store at all.
  const r = await loom(sb, ["run", "--permission-mode", "auto", "--sandbox", "danger-full-access", "hi"], {
    env,
  });
  Bun.spawnSync(["rm", "-f", threads]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("thread not saved: EEXIST");
  expect(r.stderr.trim().split("\n").at(-1)).toStartWith("loom: EEXIST");
});

test("SIGTERM (timeout, CI) cancels like Ctrl-C: the tool's processes end, final says cancelled, exit 143", async () => {
  const sleep = `sleep 92.${process.pid}`;
  const running = () => Bun.spawnSync(["pgrep", "-f", `^${sleep}$`]).exitCode === 0;
  const env = await against({
    turns: [{ toolCalls: [{ name: "bash", input: { command: `${sleep}; true` } }] }, { text: "done" }],
  });
  const proc = Bun.spawn(["bun", MAIN, "run", "--json", "--permission-mode", "auto", "wait"], {
    cwd: sb.workspace,
    env: { ...sb.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  for (let i = 0; i < 100 && !running(); i++) await Bun.sleep(50);
  expect(running()).toBe(true);
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  const [code, stdout] = await Promise.all([proc.exited, new Response(proc.stdout).text()]);
  clearTimeout(timer);
  expect(code).toBe(143);
  expect(jsonLines(stdout).at(-1)).toMatchObject({ type: "final", reason: "cancelled" });
  expect(running()).toBe(false);
});
