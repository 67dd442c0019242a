import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HookCommand, HooksConfig } from "../config/schema.ts";
import { parseToml } from "../config/toml-file.ts";
import { createHookRunner } from "./hooks.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "loom-hooks-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real script file in the test folder; returns the command that runs it. */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function runner(config: Partial<Record<keyof HooksConfig, HookCommand[]>>) {
  const warnings: string[] = [];
  const hooks = createHookRunner({
    config: {
      pre_tool_use: [],
      post_tool_use: [],
      user_prompt_submit: [],
      stop: [],
      session_start: [],
      ...config,
    },
    cwd: dir,
    env: { PATH: process.env.PATH },
    context: () => ({ session_id: "T-1", permission_mode: "auto" }),
    warn: (w) => warnings.push(w),
  });
  return { hooks, warnings };
}

const signal = new AbortController().signal;
const call = (name: string, input: unknown) => ({ id: "c1", name, input });

describe("hooks", () => {
  test("PreToolUse gets the call as JSON on stdin and blocks with exit 2, stderr as the reason", async () => {
    const seen = join(dir, "seen.json");
    const block = script(
      "block-secrets.sh",
      `input=$(cat); printf '%s' "$input" > ${seen}
case "$input" in *'"secrets/'*) echo "edits under secrets/ are not allowed" >&2; exit 2;; esac
exit 0`,
    );
    const { hooks, warnings } = runner({
      pre_tool_use: [{ command: block, matcher: "edit_file|write_file" }],
    });
    expect(await hooks.preToolUse(call("edit_file", { path: "secrets/key" }), signal)).toBe(
      "edits under secrets/ are not allowed",
    );
    const payload = JSON.parse(readFileSync(seen, "utf8"));
    expect(payload).toMatchObject({
      hook_event_name: "PreToolUse",
      session_id: "T-1",
      tool_name: "edit_file",
      tool_input: { path: "secrets/key" },
      cwd: dir,
    });
    expect(await hooks.preToolUse(call("edit_file", { path: "src/a.ts" }), signal)).toBeUndefined();
    // The matcher is the whole name: read_file is not matched, so the script does not even run.
    rmSync(seen);
    expect(await hooks.preToolUse(call("read_file", { path: "secrets/key" }), signal)).toBeUndefined();
    expect(() => readFileSync(seen)).toThrow();
    expect(warnings).toEqual([]);
  });

  test("PreToolUse may answer with a JSON decision on stdout", async () => {
    const cmd = `echo '{"decision":"block","reason":"not today"}'`;
    const { hooks } = runner({ pre_tool_use: [{ command: cmd }] });
    expect(await hooks.preToolUse(call("bash", { command: "ls" }), signal)).toBe("not today");
  });

  test("a failing, hanging or missing hook warns and blocks nothing", async () => {
    const hang = script("hang.sh", "sleep 30");
    const { hooks, warnings } = runner({
      pre_tool_use: [
        { command: "echo broken >&2; exit 1" },
        { command: hang, timeout_ms: 200 },
        { command: join(dir, "no-such-hook") },
      ],
    });
    expect(await hooks.preToolUse(call("bash", {}), signal)).toBeUndefined();
    expect(warnings[0]).toBe("PreToolUse hook `echo broken >&2; exit 1` failed (exit 1): broken");
    expect(warnings[1]).toContain("timed out after 200 ms");
    expect(warnings[2]).toContain("failed (exit 127)");
  });

  test("PostToolUse sees the result; exit 2 gives the model feedback", async () => {
    const cmd = script(
      "lint.sh",
      `grep -q '"is_error":false' && { echo "lint: missing semicolon" >&2; exit 2; }; exit 0`,
    );
    const { hooks } = runner({ post_tool_use: [{ command: cmd }] });
    expect(await hooks.postToolUse(call("edit_file", {}), { content: "ok", isError: false }, signal)).toBe(
      "lint: missing semicolon",
    );
    expect(
      await hooks.postToolUse(call("edit_file", {}), { content: "x", isError: true }, signal),
    ).toBeUndefined();
  });

  test("UserPromptSubmit adds stdout as context or blocks with exit 2", async () => {
    const { hooks } = runner({
      user_prompt_submit: [
        { command: `grep -q password && { echo "no passwords" >&2; exit 2; }; echo "branch: main"` },
      ],
    });
    expect(await hooks.userPromptSubmit("fix the bug")).toEqual({ context: "branch: main" });
    expect(await hooks.userPromptSubmit("my password is x")).toEqual({ block: "no passwords" });
  });

  test("Stop and SessionStart run with their payloads", async () => {
    const out = join(dir, "stop.json");
    const { hooks } = runner({
      stop: [{ command: `cat > ${out}` }],
      session_start: [{ command: `echo "Run tests with make check"` }],
    });
    await hooks.stop({ reason: "end_turn", lastMessage: "done" });
    expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({
      hook_event_name: "Stop",
      reason: "end_turn",
      last_message: "done",
    });
    expect(await hooks.sessionStart("startup")).toBe("Run tests with make check");
  });

  test("a matcher that is not a regular expression is a config error", () => {
    expect(() => runner({ pre_tool_use: [{ command: "true", matcher: "(" }] })).toThrow(
      /hooks.pre_tool_use\[0\].matcher/,
    );
  });
});

test("the spec's example that blocks edits to a path works as written", async () => {
  const spec = readFileSync(join(import.meta.dir, "../../../specs/runtime.md"), "utf8");
  const block = /Examples \(in `~\/.config\/loom\/config.toml`[\s\S]*?```toml\n([\s\S]*?)```/.exec(spec)?.[1];
  const config = parseToml(block ?? "", "specs/runtime.md") as { hooks: HooksConfig };
  const { hooks, warnings } = runner({ pre_tool_use: config.hooks.pre_tool_use });
  expect(await hooks.preToolUse(call("edit_file", { path: "migrations/001.sql" }), signal)).toBe(
    "migrations/ is generated; change the schema instead",
  );
  expect(await hooks.preToolUse(call("edit_file", { path: "src/db.ts" }), signal)).toBeUndefined();
  expect(await hooks.preToolUse(call("read_file", { path: "migrations/001.sql" }), signal)).toBeUndefined();
  expect(warnings).toEqual([]);
});
