/**
 * scripts/test-deps.sh with tmux missing: a warning on a developer's machine, a failure in CI
 * (CI=true), whether it could not try to install (not root / no apt-get) or the install failed.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isCi, toolGate } from "../cli/_needs-tool.ts";

const SCRIPT = join(import.meta.dir, "../../scripts/test-deps.sh");
let root: string;

/** A PATH holding git (and `id`), never tmux, bwrap or clang; optionally an apt-get that fails and an `id` of root. */
function pathDir(name: string, opts: { failingApt?: boolean } = {}): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const tool of ["git", ...(opts.failingApt ? [] : ["id"])]) {
    const real = Bun.which(tool);
    if (!real) throw new Error(`${tool} is needed for this test`);
    symlinkSync(real, join(dir, tool));
  }
  if (opts.failingApt) {
    writeFileSync(join(dir, "apt-get"), "#!/bin/sh\nexit 100\n");
    writeFileSync(join(dir, "id"), "#!/bin/sh\necho 0\n");
    chmodSync(join(dir, "apt-get"), 0o755);
    chmodSync(join(dir, "id"), 0o755);
  }
  return dir;
}

function runScript(path: string, ci: string | undefined) {
  const env: Record<string, string> = { PATH: path, HOME: root };
  if (ci !== undefined) env.CI = ci;
  const p = Bun.spawnSync(["/bin/sh", SCRIPT], { env, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, stderr: p.stderr.toString() };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "loom-test-deps-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("tmux missing outside CI: one warning line, exit 0 (the REPL tests skip)", () => {
  const r = runScript(pathDir("plain"), undefined);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain("missing tmux");
});

test("tmux missing with CI=true: a clear error line and a non-zero exit", () => {
  const dir = pathDir("ci");
  for (const ci of ["true", "1"]) {
    const r = runScript(dir, ci);
    expect(r.code).not.toBe(0);
    // wasm-ld counts as present when a versioned copy (lld-N) is installed on this machine.
    expect(r.stderr).toMatch(/test: error: missing tmux bwrap clang( wasm-ld)? chromium and CI=true/);
    expect(r.stderr).toMatch(/apt-get install tmux bubblewrap clang( lld)? chromium/);
  }
  expect(runScript(dir, "false").code).toBe(0);
});

test("an install that fails is still a failure in CI", () => {
  const r = runScript(pathDir("apt", { failingApt: true }), "true");
  expect(r.stderr).toContain("could not install tmux bubblewrap clang");
  expect(r.code).not.toBe(0);
});

test("tests needing a missing tool skip locally and fail in CI", () => {
  expect(isCi({ CI: "true" })).toBe(true);
  expect(isCi({})).toBe(false);
  expect(toolGate(true, { CI: "true" })).toBe("run");
  expect(toolGate(false, {})).toBe("skip");
  expect(toolGate(false, { CI: "true" })).toBe("fail");
});
