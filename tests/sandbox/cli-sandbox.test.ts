/**
 * The sandbox through the CLI: `loom tools call bash` and `loom run` run commands in it, `--sandbox`
 * chooses the mode, and where no sandbox can be made (here: a bwrap that fails like a kernel that
 * refuses user namespaces) a headless auto run says so once and refuses the commands.
 */
import { afterAll, afterEach, describe, expect } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { createSandbox, jsonLines, loom } from "../cli/_harness.ts";
import { testNeeding } from "../cli/_needs-tool.ts";
import type { Script } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";

const probe = await probeSandbox(findBwrap());
const it = testNeeding("bubblewrap (a working bwrap)", probe.ok);

const sb = createSandbox({ "a.txt": "a\n" });
// Outside the workspace and outside /tmp (the sandbox's /tmp is private).
const outside = realpathSync(mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : sb.root, "loom-out-")));
// A bwrap that fails as it does where user namespaces are refused.
const fakeBin = join(sb.root, "fake-bin");
mkdirSync(fakeBin);
writeFileSync(
  join(fakeBin, "bwrap"),
  "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n",
);
chmodSync(join(fakeBin, "bwrap"), 0o755);
const noSandbox = { PATH: `${fakeBin}:${sb.env.PATH}` };

let up: FakeUpstream | undefined;
afterEach(async () => {
  await up?.stop();
  up = undefined;
});
afterAll(() => {
  sb.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

async function against(script: Script): Promise<Record<string, string>> {
  up = await startFakeUpstream({ script });
  return { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url };
}

const bashOutputs = (stdout: string) =>
  jsonLines(stdout)
    .filter((e) => e.type === "tool.completed" && e.name === "bash")
    .map((e) => String(e.output));

describe("loom tools call bash", () => {
  it("runs in the workspace-write sandbox; --sandbox danger-full-access runs outside it", async () => {
    const target = join(outside, "tools-call.txt");
    const input = JSON.stringify({ command: `echo in > in.txt && echo out > ${target}` });
    const r = await loom(sb, ["tools", "call", "bash", input]);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ sandbox: "workspace-write" });
    expect(out.exit_code).not.toBe(0);
    expect(out.sandbox_denied).toContain("denied a write");
    expect(existsSync(join(sb.workspace, "in.txt"))).toBe(true);
    expect(existsSync(target)).toBe(false);

    const free = await loom(sb, ["tools", "call", "--sandbox", "danger-full-access", "bash", input]);
    expect(JSON.parse(free.stdout)).toMatchObject({ exit_code: 0, sandbox: "none" });
    expect(existsSync(target)).toBe(true);
  });

  it("--sandbox read-only refuses writes in the workspace too", async () => {
    const r = await loom(sb, [
      "tools",
      "call",
      "--sandbox",
      "read-only",
      "bash",
      '{"command":"echo x > ro.txt"}',
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ sandbox: "read-only" });
    expect(existsSync(join(sb.workspace, "ro.txt"))).toBe(false);
  });
});

describe("sandbox flags and config", () => {
  it("a bad --sandbox value is a usage error", async () => {
    const r = await loom(sb, ["tools", "call", "--sandbox", "off", "bash", '{"command":"true"}']);
    expect([r.code, r.stderr]).toEqual([
      2,
      "loom: --sandbox must be read-only, workspace-write or danger-full-access (got 'off')\n",
    ]);
    const run = await loom(sb, ["run", "--sandbox", "off", "hi"]);
    expect(run.code).toBe(2);
  });

  it("a malformed [sandbox] network entry is one CONFIG_INVALID line; an allow-list is accepted", async () => {
    const env = await against({ turns: [{ text: "hi" }] });
    const dir = join(sb.env.XDG_CONFIG_HOME ?? "", "loom");
    mkdirSync(dir, { recursive: true });
    const cfg = join(dir, "config.toml");
    writeFileSync(cfg, '[sandbox]\nnetwork = ["https://github.com"]\n');
    try {
      const r = await loom(sb, ["run", "hi"], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("sandbox.network: 'https://github.com': not a host");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      writeFileSync(cfg, '[sandbox]\nnetwork = ["registry.npmjs.org", "*.github.com", "localhost:8080"]\n');
      const ok = await loom(sb, ["tools", "call", "bash", '{"command":"echo $HTTPS_PROXY"}']);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain("http://127.0.0.1:");
    } finally {
      rmSync(cfg);
    }
  });
});

describe("loom run", () => {
  it("a command the sandbox refuses gets a result saying what was denied", async () => {
    const target = join(outside, "run.txt");
    const env = await against({
      turns: [{ toolCalls: [{ name: "bash", input: { command: `echo x > ${target}` } }] }, { text: "ok" }],
    });
    const r = await loom(sb, ["run", "--json", "--permission-mode", "auto", "go"], { env });
    expect(r.code).toBe(0);
    const [out] = bashOutputs(r.stdout);
    expect(out).toContain("Read-only file system");
    expect(out).toContain("sandbox_denied");
    expect(existsSync(target)).toBe(false);
  });

  it("no sandbox possible, auto, headless: said once, every command refused, the run goes on", async () => {
    const env = await against({
      turns: [
        { toolCalls: [{ name: "bash", input: { command: "echo x > one.txt" } }] },
        { toolCalls: [{ name: "bash", input: { command: "echo x > two.txt" } }] },
        { text: "gave up" },
      ],
    });
    const r = await loom(sb, ["run", "--json", "--permission-mode", "auto", "go"], {
      env: { ...env, ...noSandbox },
    });
    expect(r.code).toBe(0);
    const outs = bashOutputs(r.stdout);
    expect(outs).toHaveLength(2);
    for (const o of outs) expect(o).toStartWith("SANDBOX_UNAVAILABLE: the command did not run");
    const notices = jsonLines(r.stdout).filter(
      (e) => e.type === "notice" && String(e.message).includes("no sandbox for commands"),
    );
    expect(notices.length + (r.stderr.match(/no sandbox for commands/g)?.length ?? 0)).toBe(1);
    expect(existsSync(join(sb.workspace, "one.txt"))).toBe(false);
  });

  it("no sandbox possible but --sandbox danger-full-access: commands run", async () => {
    const env = await against({
      turns: [{ toolCalls: [{ name: "bash", input: { command: "echo x > three.txt" } }] }, { text: "done" }],
    });
    const r = await loom(
      sb,
      ["run", "--json", "--permission-mode", "auto", "--sandbox", "danger-full-access", "go"],
      {
        env: { ...env, ...noSandbox },
      },
    );
    expect(r.code).toBe(0);
    expect(existsSync(join(sb.workspace, "three.txt"))).toBe(true);
  });
});
