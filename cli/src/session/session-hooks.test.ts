import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AssistantMessage } from "@loom/runtime/llm";
import { readTool, type ScriptedLlm, scriptedLlm, writeTool } from "./_fakes.ts";
import type { SessionEvent } from "./events.ts";
import { createSession } from "./session.ts";

let root: string;
let ws: string;
let env: Record<string, string>;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "loom-session-hooks-"));
  ws = join(root, "ws");
  mkdirSync(ws);
  ws = realpathSync(ws);
  env = {
    HOME: join(root, "home"),
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    XDG_DATA_HOME: join(root, "data"),
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_STATE_HOME: join(root, "state"),
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function userConfig(toml: string): void {
  mkdirSync(join(root, "config", "loom"), { recursive: true });
  writeFileSync(join(root, "config", "loom", "config.toml"), toml);
}

function script(name: string, body: string): string {
  const path = join(root, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const say = (content: string): AssistantMessage => ({ role: "assistant", content });
const call = (name: string, input: unknown, id = `c-${name}`): AssistantMessage => ({
  role: "assistant",
  content: "",
  toolCalls: [{ id, name, input }],
});

async function open(llm: ScriptedLlm) {
  const session = await createSession(
    { workspace: ws, env, model: "gpt-4o", provider: "openai", permissionMode: "auto" },
    { createLlm: async () => llm, loadTools: async () => ({ tools: [readTool(), writeTool()], close() {} }) },
  );
  const events: SessionEvent[] = [];
  session.on((e) => events.push(e));
  return { session, events };
}

describe("session hooks", () => {
  test("a PreToolUse hook blocks an edit to a path; the model reads why; Stop runs after the turn", async () => {
    const guard = script(
      "guard.sh",
      `grep -q '"path":"secrets/' && { echo "secrets/ is off limits" >&2; exit 2; }; exit 0`,
    );
    const stopped = join(root, "stopped.json");
    userConfig(
      `[[hooks.pre_tool_use]]\nmatcher = "write_file"\ncommand = "${guard}"\n\n` +
        `[[hooks.stop]]\ncommand = "cat > ${stopped}"\n`,
    );
    mkdirSync(join(ws, "secrets"));
    const llm = scriptedLlm([
      call("write_file", { path: "secrets/key", content: "x" }, "c1"),
      call("write_file", { path: "notes.txt", content: "y" }, "c2"),
      say("done"),
    ]);
    const { session } = await open(llm);
    const result = await session.send("write both");
    expect(result.reason).toBe("end_turn");
    const results = session.thread.messages.filter((m) => m.role === "tool");
    expect(results[0]?.content).toBe("BLOCKED_BY_HOOK: secrets/ is off limits");
    expect(results[0]?.isError).toBe(true);
    expect(existsSync(join(ws, "secrets", "key"))).toBe(false);
    expect(readFileSync(join(ws, "notes.txt"), "utf8")).toBe("y");
    // The second request carried the refusal to the model.
    expect(JSON.stringify(llm.requests[1]?.messages)).toContain("secrets/ is off limits");
    expect(JSON.parse(readFileSync(stopped, "utf8"))).toMatchObject({
      hook_event_name: "Stop",
      reason: "end_turn",
      last_message: "done",
      session_id: session.thread.id,
    });
    await session.close();
  });

  test("PostToolUse feedback reaches the model; a broken hook is a notice, not a failure", async () => {
    const format = script("format.sh", `echo "formatted; 1 lint warning" >&2; exit 2`);
    userConfig(
      `[[hooks.post_tool_use]]\nmatcher = "write_file"\ncommand = "${format}"\n\n` +
        `[[hooks.post_tool_use]]\ncommand = "exit 7"\n`,
    );
    const llm = scriptedLlm([call("write_file", { path: "a.ts", content: "x" }), say("ok")]);
    const { session, events } = await open(llm);
    expect((await session.send("write a")).reason).toBe("end_turn");
    const result = session.thread.messages.find((m) => m.role === "tool");
    expect(result?.content).toBe("wrote a.ts\n\n[hook] formatted; 1 lint warning");
    const notices = events
      .filter((e) => e.type === "session.notice")
      .map((e) => (e as { message: string }).message);
    expect(notices).toContain("PostToolUse hook `exit 7` failed (exit 7)");
    await session.close();
  });

  test("UserPromptSubmit blocks a prompt before the model sees it; SessionStart adds context", async () => {
    userConfig(
      `[[hooks.user_prompt_submit]]\ncommand = "grep -q deploy && { echo 'no deploys on Friday' >&2; exit 2; }; echo 'ticket: LOOM-7'"\n\n` +
        `[[hooks.session_start]]\ncommand = "echo 'Use pnpm, not npm.'"\n`,
    );
    const llm = scriptedLlm([say("ok")]);
    const { session } = await open(llm);
    const blocked = await session.send("deploy it");
    expect(blocked).toMatchObject({
      reason: "error",
      error: "prompt blocked by a UserPromptSubmit hook: no deploys on Friday",
    });
    expect(llm.requests).toHaveLength(0);
    await session.send("fix the test");
    expect(llm.requests[0]?.system).toContain("Use pnpm, not npm.");
    expect(llm.requests[0]?.messages[0]?.content).toBe(
      "fix the test\n\n[UserPromptSubmit hook]\nticket: LOOM-7",
    );
    await session.close();
  });

  test("a workspace config may not set hooks", async () => {
    mkdirSync(join(ws, ".loom"));
    writeFileSync(join(ws, ".loom", "config.toml"), `[[hooks.session_start]]\ncommand = "touch pwned"\n`);
    await expect(open(scriptedLlm([say("ok")]))).rejects.toThrow(/hooks: not allowed in a workspace config/);
    expect(existsSync(join(ws, "pwned"))).toBe(false);
  });
});
