/**
 * Hooks in `loom run` (the session runs them for every front end): a PreToolUse script refuses a
 * command, the model reads why, the run goes on; a Stop script gets the turn's end as JSON.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      turns: [
        { toolCalls: [{ id: "toolu_1", name: "bash", input: { command: "rm -rf src" } }] },
        { text: "I will not delete it." },
      ],
    },
  });
  sb = createSandbox({ "src/a.ts": "export {};\n" });
  const hooks = join(sb.root, "hooks");
  mkdirSync(hooks);
  writeFileSync(
    join(hooks, "no-rm.sh"),
    `#!/bin/sh\ngrep -q 'rm -rf' && { echo "rm -rf is not allowed here" >&2; exit 2; }\nexit 0\n`,
  );
  chmodSync(join(hooks, "no-rm.sh"), 0o755);
  mkdirSync(join(sb.env.XDG_CONFIG_HOME!, "loom"), { recursive: true });
  writeFileSync(
    join(sb.env.XDG_CONFIG_HOME!, "loom", "config.toml"),
    `[[hooks.pre_tool_use]]\nmatcher = "bash"\ncommand = "${join(hooks, "no-rm.sh")}"\n\n` +
      `[[hooks.stop]]\ncommand = "cat > ${join(sb.root, "stop.json")}"\ntimeout_ms = 5000\n`,
  );
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

test("a PreToolUse hook refuses a command in loom run; the Stop hook runs at the end", async () => {
  const r = await loom(sb, ["run", "--json", "--permission-mode", "auto", "clean up"], {
    env: { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url },
  });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const done = jsonLines(r.stdout).find((e) => e.type === "tool.completed");
  expect(done).toMatchObject({
    name: "bash",
    isError: true,
    output: "BLOCKED_BY_HOOK: rm -rf is not allowed here",
  });
  expect(existsSync(join(sb.workspace, "src", "a.ts"))).toBe(true);
  expect(JSON.stringify(up.requests[1]?.body)).toContain("rm -rf is not allowed here");
  expect(JSON.parse(readFileSync(join(sb.root, "stop.json"), "utf8"))).toMatchObject({
    hook_event_name: "Stop",
    reason: "end_turn",
    last_message: "I will not delete it.",
  });
});
