/**
 * `npm start` / `bun run demo`: Loom's main job end to end, with no API key and no network.
 * Starts the local fixture model server (Anthropic wire format, playing a recorded script), copies
 * the sample project to a temporary git workspace and runs the real `loom run` there: the agent
 * searches, reads, edits and runs the project's checks through the real tools.
 * With ANTHROPIC_API_KEY set and LOOM_DEMO_LIVE=1, the same task runs against the real API instead.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "../runtime/src/sandbox/probe.ts";
import { startFakeUpstream } from "../tests/fixtures/fake-upstream/server.ts";

const root = join(import.meta.dir, "..");
const task =
  process.argv.slice(2).join(" ") ||
  "The checks in this project fail (node check.js). Find the bug and fix it.";
const tmp = mkdtempSync(join(tmpdir(), "loom-demo-"));
const workspace = join(tmp, "sample-stats");
cpSync(join(root, "tests/fixtures/sample-repo"), workspace, { recursive: true });
const git = (...args: string[]) =>
  Bun.spawnSync(["git", ...args], { cwd: workspace, stdout: "pipe", stderr: "pipe" });
git("init", "-q");
git("add", "-A");
git("-c", "user.name=demo", "-c", "user.email=demo@example.com", "commit", "-qm", "sample project");

const live = process.env.LOOM_DEMO_LIVE === "1" && !!process.env.ANTHROPIC_API_KEY;
const upstream = live
  ? undefined
  : await startFakeUpstream({
      script: await Bun.file(join(root, "tests/fixtures/scripts/fix-sum.json")).json(),
    });

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  XDG_CONFIG_HOME: join(tmp, "config"),
  XDG_DATA_HOME: join(tmp, "data"),
  XDG_STATE_HOME: join(tmp, "state"),
  XDG_CACHE_HOME: join(tmp, "cache"),
};
if (upstream) {
  env.ANTHROPIC_BASE_URL = upstream.url;
  env.ANTHROPIC_API_KEY = "demo-key-for-the-local-fixture";
}

process.stderr.write(
  `loom demo: workspace ${workspace}\n` +
    `loom demo: model ${upstream ? `local fixture server at ${upstream.url} (scripted, Anthropic wire format)` : "Anthropic API"}\n` +
    `loom demo: task: ${task}\n\n`,
);
// A headless auto run refuses commands where no sandbox can be made (specs/sandbox.md): the demo
// says so and runs its one command (node check.js) without one there.
const probe = await probeSandbox(findBwrap());
if (!probe.ok)
  process.stderr.write(`loom demo: no sandbox here (${probe.reason}); commands run without one\n\n`);
const proc = Bun.spawn(
  [
    process.execPath,
    join(root, "cli/src/main.ts"),
    "run",
    "--provider",
    "anthropic",
    "--permission-mode",
    "auto",
    ...(probe.ok ? [] : ["--sandbox", "danger-full-access"]),
    task,
  ],
  { cwd: workspace, env, stdout: "inherit", stderr: "inherit", stdin: "ignore" },
);
const code = await proc.exited;
await upstream?.stop();

process.stderr.write("\nloom demo: what changed in the workspace:\n");
process.stderr.write(git("diff", "--stat").stdout.toString() + git("diff").stdout.toString());
const check = Bun.spawnSync(["node", "check.js"], { cwd: workspace, stdout: "pipe", stderr: "pipe" });
process.stderr.write(
  `loom demo: node check.js → ${check.stdout.toString().trim()} (exit ${check.exitCode})\n`,
);
rmSync(tmp, { recursive: true, force: true });
process.exit(code === 0 && check.exitCode === 0 ? 0 : 1);
