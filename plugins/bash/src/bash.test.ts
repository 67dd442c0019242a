import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sandbox, SandboxPolicy } from "@loom/runtime/sandbox/types";
import type { ToolContext } from "@loom/runtime/tool";
import { bashTool, commandEnv, MAX_STDERR_BYTES, MAX_STDOUT_BYTES } from "./bash.ts";
import { CappedBuffer } from "./capped-buffer.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-bash-")));
mkdirSync(join(root, "sub"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ctx = (signal = new AbortController().signal, extra: Partial<ToolContext> = {}): ToolContext => ({
  workspaceRoot: root,
  signal,
  callId: "b",
  ...extra,
});
type Out = {
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  cancelled: boolean;
  stdout: string;
  stderr: string;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
};
const run = async (input: unknown, c = ctx()) => {
  const r = await bashTool.invoke(input, c);
  return { ...(r.output as Out), isError: r.isError };
};

/**
 * Gone, or a zombie nobody reaps (PID 1 in a container may not). A SIGKILLed process closes its pipes
 * before it finishes exiting, so allow the kernel a moment (bounded) to complete the exit.
 */
async function isGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (goneNow(pid)) return true;
    await Bun.sleep(20);
  }
  return false;
}

function goneNow(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

describe("bash", () => {
  test("runs a command in the workspace and reports exit code and streams", async () => {
    const r = await run({ command: "pwd; echo err >&2; exit 3" });
    expect(r).toMatchObject({
      exit_code: 3,
      signal: null,
      timed_out: false,
      stdout: `${root}\n`,
      stderr: "err\n",
    });
    expect(r.isError).toBe(false);
    expect((await run({ command: "pwd", cwd: "sub" })).stdout).toBe(`${join(root, "sub")}\n`);
  });

  test("cwd outside the workspace is refused", async () => {
    const r = await bashTool.invoke({ command: "pwd", cwd: ".." }, ctx());
    expect(r.output).toMatchObject({ code: "PATH_OUTSIDE_WORKSPACE" });
  });

  test("timeout kills the whole process group, grandchildren included", async () => {
    const r = await run({ command: "sleep 100 & echo $!; wait", timeout_ms: 300 });
    expect(r.timed_out).toBe(true);
    expect(r.signal).toBe("SIGKILL");
    expect(r.isError).toBe(true);
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(await isGone(pid)).toBe(true);
  });

  test("cancel through the AbortSignal kills the group", async () => {
    const ac = new AbortController();
    const pending = run({ command: "sleep 100 & echo $!; wait" }, ctx(ac.signal));
    setTimeout(() => ac.abort(), 200);
    const r = await pending;
    expect(r.cancelled).toBe(true);
    expect(await isGone(Number(r.stdout.trim()))).toBe(true);
  });

  test("background processes left running when the command ends are killed", async () => {
    const r = await run({ command: "sleep 100 & echo $!" });
    expect(r.exit_code).toBe(0);
    expect(await isGone(Number(r.stdout.trim()))).toBe(true);
  });

  test("a process that left the group and holds the pipes does not hang the call", async () => {
    const r = await run({ command: "setsid sleep 100 & echo $!" });
    const pid = Number(r.stdout.trim());
    try {
      expect(r.exit_code).toBe(0);
      expect(pid).toBeGreaterThan(0);
    } finally {
      if (pid > 0) process.kill(pid, "SIGKILL");
    }
  });

  test("stdout and stderr are capped with flags, keeping head and tail", async () => {
    const r = await run({ command: "seq 1 100000; seq 1 50000 >&2" });
    expect(r.stdout_truncated).toBe(true);
    expect(r.stderr_truncated).toBe(true);
    expect(r.stdout.startsWith("1\n2\n3\n")).toBe(true);
    expect(r.stdout.endsWith("99999\n100000\n")).toBe(true);
    expect(r.stdout).toContain("bytes omitted");
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(MAX_STDOUT_BYTES + 100);
    expect(Buffer.byteLength(r.stderr)).toBeLessThan(MAX_STDERR_BYTES + 100);
  });

  test("without the exec grant the call is refused", async () => {
    const caps = { read: true, write: true, exec: false, network: [], env: [] };
    const r = await bashTool.invoke({ command: "true" }, ctx(undefined, { capabilities: caps }));
    expect(r.output).toMatchObject({ code: "PERMISSION_DENIED" });
  });

  test("credentials are not passed to the command", () => {
    expect(commandEnv({ PATH: "/bin", OPENAI_API_KEY: "sk", GITHUB_TOKEN: "t", HOME: "/h" })).toEqual({
      PATH: "/bin",
      HOME: "/h",
    });
  });

  test("timeout_ms above the maximum is invalid input", async () => {
    const r = await bashTool.invoke({ command: "true", timeout_ms: 301_000 }, ctx());
    expect(r.output).toMatchObject({ code: "TOOL_INPUT_INVALID" });
  });
});

describe("bash in a sandbox (an in-memory one: the real one is tests/sandbox)", () => {
  const policy: SandboxPolicy = { mode: "workspace-write", network: "none", hidden: [], writable: [] };
  /** Runs the command with SANDBOXED=1 set, as a stand-in for the bwrap wrapper. */
  const fake = (over: Partial<Sandbox> = {}): Sandbox => ({
    policy,
    launch: async (argv) => ({ kind: "run", argv: ["env", "SANDBOXED=1", ...argv], sandboxed: true }),
    ...over,
  });

  test("the command line is the sandbox's; the result names the mode", async () => {
    const r = await run({ command: "echo $SANDBOXED" }, ctx(undefined, { sandbox: fake() }));
    expect(r).toMatchObject({ stdout: "1\n", sandbox: "workspace-write" });
    expect(r).not.toHaveProperty("sandbox_denied");
  });

  test("a refusal is the result, and nothing runs", async () => {
    const sandbox = fake({ launch: async () => ({ kind: "refused", message: "SANDBOX_UNAVAILABLE: no" }) });
    const r = await bashTool.invoke({ command: "touch ran" }, ctx(undefined, { sandbox }));
    expect(r).toEqual({ output: "SANDBOX_UNAVAILABLE: no", isError: true });
  });

  test("a failure the sandbox caused carries a note; with a yes it runs once outside", async () => {
    const command = "[ -z \"$SANDBOXED\" ] || { echo 'x: Read-only file system' >&2; exit 1; }; echo outside";
    const denied = await run({ command }, ctx(undefined, { sandbox: fake() }));
    expect(denied.exit_code).toBe(1);
    expect((denied as Record<string, unknown>).sandbox_denied).toContain("denied a write");
    const asked: string[] = [];
    const sandbox = fake({
      askOutside: async (c) => {
        asked.push(c);
        return true;
      },
    });
    const outside = await run({ command }, ctx(undefined, { sandbox }));
    expect(asked).toEqual([command]);
    expect(outside).toMatchObject({
      exit_code: 0,
      stdout: "outside\n",
      sandbox: "none",
      ran_outside_sandbox: true,
    });
  });
});

describe("CappedBuffer", () => {
  test("keeps everything under the cap and exact head/tail over it", () => {
    const b = new CappedBuffer(10);
    b.push(Buffer.from("abc"));
    expect(b.text()).toBe("abc");
    b.push(Buffer.from("defghijklmnop"));
    expect(b.truncated).toBe(true);
    expect(b.text()).toBe("abcde\n…[6 bytes omitted]…\nlmnop");
  });
});
