/** Output that cannot be written: a reader that stops early (`| head`) or a full disk. No stack traces. */
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, MAIN } from "./_harness.ts";

const sb = createSandbox({ "big.txt": "x marks the spot\n".repeat(20_000) });
afterAll(() => sb.cleanup());

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
