/**
 * Issue 20, a second toolchain: C plugins compiled with clang's wasm32 target. The real CLI
 * scaffolds one (`plugin new --lang c`), builds it with the manifest's build command, and runs its
 * cases; the repository's example (examples/c-word-count), built here by `loom plugin build`, is
 * called by the agent through `loom run` against the fake model server.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout } from "bun:test";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loom, type Sandbox } from "../cli/_harness.ts";
import { testNeeding } from "../cli/_needs-tool.ts";
import { ROOT, sampleSandbox } from "../e2e/helpers.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";

setDefaultTimeout(60_000);
const clang = Bun.which("clang") !== null;
const withClang = testNeeding("clang", clang);

let sb: Sandbox;
let upstream: FakeUpstream;
beforeAll(async () => {
  sb = sampleSandbox();
  upstream = await startFakeUpstream({ script: { turns: [] } });
});
afterAll(() => {
  upstream.stop();
  sb.cleanup();
});

withClang("loom plugin new --lang c → build → test", async () => {
  const created = await loom(sb, ["plugin", "new", "--lang", "c", "c-demo"], { cwd: sb.root });
  expect(created.stderr).toBe("");
  expect(created.code).toBe(0);
  const dir = join(sb.root, "c-demo");
  expect(readFileSync(join(dir, "include/loom.h"), "utf8")).toContain("LOOM_H");

  const built = await loom(sb, ["plugin", "build"], { cwd: dir });
  expect(built.stderr).toBe("");
  expect(built.code).toBe(0);
  const sha = JSON.parse(readFileSync(join(dir, "loom-plugin.json"), "utf8")).sha256 as string;
  expect(sha).not.toBe("0".repeat(64));
  expect(built.stdout).toContain(sha);

  const tested = await loom(sb, ["plugin", "test"], { cwd: dir });
  expect(tested.stdout).toContain("4 passed, 0 failed");
  expect(tested.code).toBe(0);
});

withClang("the example C plugin, built by loom plugin build, is called through loom run", async () => {
  const dir = join(sb.root, "c-word-count");
  cpSync(join(ROOT, "examples/c-word-count"), dir, { recursive: true });
  const built = await loom(sb, ["plugin", "build", dir]);
  expect(built.stderr).toBe("");
  expect(built.code).toBe(0);
  const tested = await loom(sb, ["plugin", "test", dir]);
  expect(tested.stdout).toContain("5 passed, 0 failed");

  const config = join(sb.env.XDG_CONFIG_HOME!, "loom");
  mkdirSync(config, { recursive: true });
  writeFileSync(
    join(config, "config.toml"),
    `[plugins]\npaths = [${JSON.stringify(dir)}]\n\n[plugins.grants.c-word-count]\nread = ["."]\n`,
  );
  upstream.setScript({
    turns: [
      { text: "Counting.", toolCalls: [{ name: "c_word_count", input: { path: "src/stats.js" } }] },
      { text: "Counted." },
    ],
  });
  const seen = upstream.requests.length;
  const r = await loom(sb, ["run", "--json", "--provider", "anthropic", "count the words of src/stats.js"], {
    env: { ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: "test-key" },
  });
  expect(r.stderr).not.toContain("    at ");
  expect(r.code).toBe(0);
  const events = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; name?: string });
  expect(events.filter((e) => e.type === "tool.started").map((e) => e.name)).toEqual(["c_word_count"]);
  // The tool's result went back to the model: the C plugin counted the file it read.
  const text = readFileSync(join(sb.workspace, "src/stats.js"), "utf8");
  const words = text.split(/\s+/).filter((w) => w !== "").length;
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  const second = JSON.stringify(upstream.requests[seen + 1]?.body);
  expect(second).toContain(`\\"words\\":${words}`);
  expect(second).toContain(`\\"lines\\":${lines}`);
});
