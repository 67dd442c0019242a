/** Output that cannot be written: a reader that stops early (`| head`) or a full disk. No stack traces. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, MAIN } from "./_harness.ts";

const sb = createSandbox({ "big.txt": "x marks the spot\n".repeat(20_000) });
let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

test("loom tools call read_file … | head -c 10", () => {
  const err = join(sb.root, "stderr.txt");
  const script = `bun ${MAIN} tools call read_file '{"path":"big.txt"}' 2>${err} | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}`;
  const p = Bun.spawnSync(["bash", "-c", script], { cwd: sb.workspace, env: sb.env, timeout: 30_000 });
  expect(p.stdout.toString().trim()).toBe("0");
  expect(readFileSync(err, "utf8")).toBe("");
});

test("output to a full disk is one line and exit 1", async () => {
  const r = Bun.spawnSync(
    ["bash", "-c", `bun ${MAIN} tools call read_file '{"path":"big.txt"}' >/dev/full`],
    {
      cwd: sb.workspace,
      env: sb.env,
      timeout: 30_000,
    },
  );
  expect(r.exitCode).toBe(1);
  expect(r.stderr.toString()).toBe("loom: cannot write the output: ENOSPC: no space left on device, write\n");
});

// `loom run` writes through file descriptors, not process.stdout (cli/src/std-out.ts): same rules.
// Spawned without blocking: the fake model server answers from this process.
const longAnswer = () => up.setScript({ turns: [{ text: "all good here\n".repeat(20_000) }] });
async function bash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn(["bash", "-c", script], {
    cwd: sb.workspace,
    env: { ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}

test("loom run … | head -c 10 ends quietly with exit 0", async () => {
  longAnswer();
  const err = join(sb.root, "run-stderr.txt");
  const r = await bash(`bun ${MAIN} run 'say it' 2>${err} | head -c 10 >/dev/null; echo \${PIPESTATUS[0]}`);
  expect(r.stdout.trim()).toBe("0");
  expect(readFileSync(err, "utf8")).toBe("");
}, 30_000);

test("loom run to a full disk is one line and exit 1", async () => {
  longAnswer();
  const r = await bash(`bun ${MAIN} run 'say it' >/dev/full`);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe("loom: cannot write the output: ENOSPC: no space left on device, write\n");
}, 30_000);

test("loom run --json … | head -1 ends quietly with exit 0", async () => {
  longAnswer();
  const err = join(sb.root, "json-stderr.txt");
  const r = await bash(
    `bun ${MAIN} run --json 'say it' 2>${err} | head -1 >/dev/null; echo \${PIPESTATUS[0]}`,
  );
  expect(r.stdout.trim()).toBe("0");
  expect(readFileSync(err, "utf8")).toBe("");
}, 30_000);
