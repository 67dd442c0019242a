/** `loom run` edges: task from stdin, headless ask, failures and their exit codes, private threads. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, MAIN, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
  sb = createSandbox({ "notes.txt": "draft\n" });
  env = { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url };
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

test("the task can come from stdin; --private keeps the thread local", async () => {
  up.setScript({ turns: [{ text: "Read it from stdin." }] });
  const r = await loom(sb, ["run", "--json", "--private", "-"], { env, stdin: "summarise the notes\n" });
  expect(r.code).toBe(0);
  const final = jsonLines(r.stdout).at(-1)!;
  expect(final).toMatchObject({ type: "final", reason: "end_turn", text: "Read it from stdin." });
  expect(JSON.stringify(up.requests.at(-1)?.body)).toContain("summarise the notes");
  const shown = JSON.parse((await loom(sb, ["threads", "show", String(final.threadId), "--json"])).stdout);
  expect(shown.isPrivate).toBe(true);
});

test("headless ask refuses changes with a message that says how to allow them", async () => {
  up.setScript({
    turns: [
      {
        toolCalls: [
          { name: "edit_file", input: { path: "notes.txt", edits: [{ old: "draft", new: "final" }] } },
        ],
      },
      { text: "I could not edit." },
    ],
  });
  const r = await loom(sb, ["run", "tidy the notes"], { env });
  // The model finished, but not what it was asked: exit 3, said on the last line.
  expect(r.code).toBe(3);
  expect(r.stdout).toContain("I could not edit.");
  expect(r.stderr.trim().split("\n").at(-1)).toStartWith(
    "loom: the model finished, but 1 tool call was refused permission (edit_file), so the task may not be done. PERMISSION_DENIED: edit_file changes the workspace and this run cannot ask for approval",
  );
  expect(r.stderr).toContain("Rerun with --permission-mode auto");
  expect(readFileSync(join(sb.workspace, "notes.txt"), "utf8")).toBe("draft\n");
  up.setScript({
    turns: [
      {
        toolCalls: [{ name: "edit_file", input: { path: "notes.txt", edits: [{ old: "draft", new: "x" }] } }],
      },
      { text: "I could not edit." },
    ],
  });
  const j = await loom(sb, ["run", "--json", "tidy the notes"], { env });
  expect(j.code).toBe(3);
  expect(jsonLines(j.stdout).at(-1)).toMatchObject({
    type: "final",
    reason: "end_turn",
    permissionDenied: 1,
  });
});

test("a permanent model error fails the run with one line and exit 1", async () => {
  up.setScript({ turns: [{ error: { status: 400, message: "prompt is too long" } }] });
  const r = await loom(sb, ["run", "anything"], { env });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("prompt is too long");
  expect(r.stderr).not.toContain("    at ");
  up.setScript({ turns: [{ error: { status: 400, message: "bad request" } }] });
  const j = await loom(sb, ["run", "--json", "anything"], { env });
  expect(j.code).toBe(1);
  expect(jsonLines(j.stdout).at(-1)).toMatchObject({ type: "final", reason: "error" });
});

test("missing credentials and bad usage are reported plainly", async () => {
  const noKey = await loom(sb, ["run", "--json", "hi"]);
  expect(noKey.code).toBe(1);
  expect(noKey.stderr).toContain("ANTHROPIC_API_KEY");
  expect(jsonLines(noKey.stdout)).toEqual([expect.objectContaining({ type: "final", reason: "error" })]);
  const badMode = await loom(sb, ["run", "--permission-mode", "yolo", "hi"], { env });
  expect(badMode.code).toBe(2);
  expect(badMode.stderr).toContain("--permission-mode must be ask, auto or read-only");
  const unknown = await loom(sb, ["run", "--frobnicate", "hi"], { env });
  expect(unknown.code).toBe(2);
  const empty = await loom(sb, ["run"], { env });
  expect(empty.code).toBe(2);
});

test("the step limit comes from [agent] max_steps, --max-steps overrides it, and a stop says how to raise it", async () => {
  const read = (id: string) => ({
    toolCalls: [{ id, name: "read_file", input: { path: "notes.txt" } }],
    stop: "tool_use" as const,
  });
  const script = { turns: [read("r1"), read("r2"), read("r3"), { text: "Read three times." }] };
  up.setScript(script);
  const limited = await loom(sb, ["run", "read it thrice"], { env: { ...env, LOOM_AGENT__MAX_STEPS: "2" } });
  expect(limited.code).toBe(1);
  expect(limited.stderr).toContain(
    "loom: stopped after 2 model requests in one turn; raise the limit with --max-steps N or [agent] max_steps (0 = no limit)",
  );
  up.setScript(script);
  const raised = await loom(sb, ["run", "--max-steps", "4", "read it thrice"], {
    env: { ...env, LOOM_AGENT__MAX_STEPS: "2" },
  });
  expect(raised.code).toBe(0);
  expect(raised.stdout).toContain("Read three times.");
  up.setScript(script);
  const unlimited = await loom(sb, ["run", "--max-steps", "0", "read it thrice"], {
    env: { ...env, LOOM_AGENT__MAX_STEPS: "1" },
  });
  expect(unlimited.code).toBe(0);
  const bad = await loom(sb, ["run", "--max-steps", "many", "hi"], { env });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--max-steps must be a whole number, 0 for no limit (got 'many')");
}, 30_000);

test("a command's output tail is shown on stderr, with how it ended", async () => {
  up.setScript({
    turns: [
      { toolCalls: [{ name: "bash", input: { command: "seq 1 12; exit 4" } }] },
      { text: "It failed." },
    ],
  });
  const r = await loom(sb, ["run", "--permission-mode", "auto", "count"], { env });
  expect(r.code).toBe(0);
  expect(r.stderr).toContain("✗ bash seq 1 12; exit 4");
  expect(r.stderr).toContain(" · exit code 4\n  │ … 4 earlier lines\n  │ 5\n");
  expect(r.stderr).toContain("  │ 12\n");
  expect(r.stdout).toBe("It failed.\n");
});

test("git.auto_commit commits the turn's files with a conventional message", async () => {
  const ac = createSandbox({
    "src/app.ts": "export const port = 80;\n",
    ".loom/config.toml": "[git]\nauto_commit = true\n",
  });
  try {
    up.setScript({
      turns: [
        {
          toolCalls: [
            { name: "edit_file", input: { path: "src/app.ts", edits: [{ old: "80", new: "8080" }] } },
          ],
        },
        { text: "Port changed." },
      ],
    });
    const r = await loom(ac, ["run", "--permission-mode", "auto", "Fix the default port"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/committed [0-9a-f]{8} fix: fix the default port/);
    // The edit's diff on stderr, numbered from the file as it was.
    expect(r.stderr).toContain("  1 - export const port = 80;\n  1 + export const port = 8080;\n");
    expect(ac.git("log", "-1", "--format=%s")).toBe("fix: fix the default port");
    expect(ac.git("show", "--name-only", "--format=", "HEAD")).toBe("src/app.ts");
    expect(ac.git("log", "-1", "--format=%b")).toContain("Loom-Thread: T-");
    expect(ac.git("status", "--porcelain")).toBe("");
  } finally {
    ac.cleanup();
  }
});

test("Ctrl-C (SIGINT) cancels a headless run: exit 130, the thread keeps the request", async () => {
  up.setScript({ turns: [{ text: ["Working on it"], fault: "stall" }], stallMs: 20_000 });
  const proc = Bun.spawn(["bun", MAIN, "run", "--json", "a long task"], {
    cwd: sb.workspace,
    env: { ...sb.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  let out = "";
  for (let i = 0; i < 200 && !out.includes("Working on it"); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  proc.kill("SIGINT");
  for (let i = 0; i < 200; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  expect(await proc.exited).toBe(130);
  const final = jsonLines(out).at(-1)!;
  expect(final).toMatchObject({ type: "final", reason: "cancelled" });
  const shown = JSON.parse((await loom(sb, ["threads", "show", String(final.threadId), "--json"])).stdout);
  expect(shown.messages[0]).toEqual({ role: "user", content: "a long task" });
});

test("loom undo reverts the newest change in this workspace even when a later thread changed nothing", async () => {
  const ws = createSandbox({ "a.txt": "one\n" });
  try {
    up.setScript({
      turns: [
        { toolCalls: [{ name: "edit_file", input: { path: "a.txt", edits: [{ old: "one", new: "two" }] } }] },
        { text: "Changed." },
        { text: "Just talking." },
      ],
    });
    expect((await loom(ws, ["run", "--permission-mode", "auto", "change a"], { env })).code).toBe(0);
    expect((await loom(ws, ["run", "what is a.txt?"], { env })).code).toBe(0);
    expect(readFileSync(join(ws.workspace, "a.txt"), "utf8")).toBe("two\n");
    const list = await loom(ws, ["undo", "--list"]);
    expect(list.stdout).toContain("M a.txt");
    const undo = await loom(ws, ["undo"]);
    expect(undo.code).toBe(0);
    expect(readFileSync(join(ws.workspace, "a.txt"), "utf8")).toBe("one\n");
  } finally {
    ws.cleanup();
  }
});
