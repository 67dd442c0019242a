/** `loom tools call` with bad input, hostile paths and failing tools: one line, the right exit code. */
import { afterAll, expect, test } from "bun:test";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, loom, MAIN } from "./_harness.ts";

const sb = createSandbox({ "a.txt": "hi\n" });
symlinkSync("/etc/passwd", join(sb.workspace, "passwd-link"));
symlinkSync("..", join(sb.workspace, "up"));
afterAll(() => sb.cleanup());

const call = (tool: string, input: string, stdin?: string) =>
  loom(sb, ["tools", "call", tool, input], stdin === undefined ? {} : { stdin });

test("bad JSON, empty stdin, schema violations", async () => {
  const bad = await call("read_file", "{bad");
  expect(bad.code).toBe(2);
  expect(bad.stderr).toStartWith("loom: the input is not valid JSON:");
  const empty = await call("read_file", "-", "");
  expect([empty.code, empty.stderr]).toEqual([2, "loom: no JSON input on stdin\n"]);
  const type = await call("read_file", '{"path":5}');
  expect([type.code, type.stderr]).toEqual([
    1,
    "loom: read_file failed: TOOL_INPUT_INVALID: /path: Expected string\n",
  ]);
  // The error quotes the input: its escape sequences do not reach the terminal.
  const esc = await call("read_file", JSON.stringify({ path: "x\u001b]0;t\u0007\u001b[2J.txt" }));
  expect([esc.code, esc.stderr]).toEqual([1, "loom: read_file failed: NOT_FOUND: x.txt does not exist\n"]);
  const unknown = await call("nope", "{}");
  expect([unknown.code, unknown.stderr]).toEqual([2, "loom: no tool 'nope' (see `loom tools list`)\n"]);
});

test.each(["../x", "/etc/passwd", "passwd-link", "up/x", "/proc/self/environ"])(
  "read_file %s stays inside the workspace",
  async (path) => {
    const r = await call("read_file", JSON.stringify({ path }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `loom: read_file failed: PATH_OUTSIDE_WORKSPACE: ${path} is outside the workspace\n`,
    );
  },
);

test("a structured failure (bash timing out) prints its result on stdout and one line on stderr", async () => {
  const r = await call("bash", '{"command":"sleep 5","timeout_ms":100}');
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout)).toMatchObject({ timed_out: true });
  expect(r.stderr).toBe("loom: bash failed (its result is on stdout)\n");
});

test("Ctrl-C cancels a running tool: exit 130, its process gone", async () => {
  // A duration no other process uses, so pgrep finds exactly the tool's sleep (not loom's own argv).
  const sleep = `sleep 91.${process.pid}`;
  const running = () => Bun.spawnSync(["pgrep", "-f", `^${sleep}$`]).exitCode === 0;
  const proc = Bun.spawn(
    ["bun", MAIN, "tools", "call", "bash", JSON.stringify({ command: `${sleep}; true` })],
    {
      cwd: sb.workspace,
      env: sb.env,
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  for (let i = 0; i < 100 && !running(); i++) await Bun.sleep(50);
  expect(running()).toBe(true);
  proc.kill("SIGINT");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  clearTimeout(timer);
  expect(code).toBe(130);
  expect(stderr).toBe("loom: bash cancelled\n");
  expect(running()).toBe(false);
});
