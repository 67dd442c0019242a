import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AssistantMessage } from "@loom/runtime/llm";
import { createThread, createThreadStore } from "@loom/runtime/threads/store";
import { readTool, type ScriptedLlm, scriptedLlm, writeTool } from "./_fakes.ts";
import type { SessionEvent } from "./events.ts";
import { createSession, type SessionInit } from "./session.ts";

let root: string;
let ws: string;
let env: Record<string, string>;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "loom-session-"));
  ws = join(root, "ws");
  mkdirSync(ws);
  ws = realpathSync(ws);
  env = {
    HOME: join(root, "home"),
    XDG_DATA_HOME: join(root, "data"),
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_STATE_HOME: join(root, "state"),
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const say = (content: string): AssistantMessage => ({ role: "assistant", content });
const call = (name: string, input: unknown, id = `c-${name}`): AssistantMessage => ({
  role: "assistant",
  content: "",
  toolCalls: [{ id, name, input }],
});

async function open(llm: ScriptedLlm, init: SessionInit = {}) {
  const session = await createSession(
    { workspace: ws, env, model: "gpt-4o", provider: "openai", ...init },
    { createLlm: async () => llm, loadTools: async () => ({ tools: [readTool(), writeTool()], close() {} }) },
  );
  const events: SessionEvent[] = [];
  session.on((e) => events.push(e));
  return { session, events };
}

describe("session", () => {
  test("a turn is saved with usage and cost; the system prompt carries AGENTS.md", async () => {
    writeFileSync(join(ws, "AGENTS.md"), "Prefer small diffs.");
    const llm = scriptedLlm([call("read_file", { path: "a" }), say("done")]);
    const { session, events } = await open(llm);
    const result = await session.send("look at a");
    expect(result.reason).toBe("end_turn");
    expect(llm.requests[0]?.system).toContain("Prefer small diffs.");
    const saved = session.store.get(session.thread.id)!;
    expect(saved.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(saved.usage).toMatchObject({ inputTokens: 200, outputTokens: 20 });
    expect(saved.usage?.costUsd).toBeGreaterThan(0);
    // The turn's own usage is on its last assistant message, and only there.
    const [, first, , last] = saved.messages;
    expect(first?.role === "assistant" && first.usage).toBe(undefined);
    expect(last?.role === "assistant" && last.usage).toMatchObject({ inputTokens: 200, outputTokens: 20 });
    expect(saved.model).toBe("gpt-4o");
    expect(events.filter((e) => e.type === "thread.saved").length).toBeGreaterThanOrEqual(2);
    await session.close();
  });

  test("read-only hides mutating tools from the model", async () => {
    const llm = scriptedLlm([say("ok")]);
    const { session } = await open(llm, { permissionMode: "read-only" });
    await session.send("hi");
    expect(llm.requests[0]?.tools?.map((t) => t.name)).toEqual(["read_file", "task"]);
    await session.close();
  });

  test("ask without anyone to ask refuses mutating tools with a clear message", async () => {
    const llm = scriptedLlm([call("write_file", { path: "x.txt", content: "x" }), say("gave up")]);
    const { session } = await open(llm, { permissionMode: "ask" });
    await session.send("write x");
    const tool = session.thread.messages.find((m) => m.role === "tool");
    expect(tool?.content).toContain("--permission-mode auto");
    expect(tool?.isError).toBe(true);
    expect(() => readFileSync(join(ws, "x.txt"))).toThrow();
    await session.close();
  });

  test("ask with 'always' asks once per tool", async () => {
    const llm = scriptedLlm([
      call("write_file", { path: "a.txt", content: "1" }, "c1"),
      call("write_file", { path: "b.txt", content: "2" }, "c2"),
      say("done"),
    ]);
    let asked = 0;
    const { session } = await open(llm, {
      permissionMode: "ask",
      ask: async () => {
        asked++;
        return "always";
      },
    });
    await session.send("write two files");
    expect(asked).toBe(1);
    expect(readFileSync(join(ws, "b.txt"), "utf8")).toBe("2");
    await session.close();
  });

  test("plugin log lines go to the session log", async () => {
    let pluginLog: ((plugin: string, message: string) => void) | undefined;
    const session = await createSession(
      { workspace: ws, env, model: "gpt-4o", provider: "openai" },
      {
        createLlm: async () => scriptedLlm([say("hi")]),
        loadTools: async (_config, _workspace, _consent, onLog) => {
          pluginLog = onLog;
          return { tools: [readTool()], close() {} };
        },
      },
    );
    pluginLog?.("word-count", "read notes.txt");
    await session.close();
    const text = readFileSync(join(env["XDG_STATE_HOME"]!, "loom/logs/loom.log"), "utf8");
    expect(text).toContain("plugin.log");
    expect(text).toContain("word-count");
    expect(text).toContain("read notes.txt");
  });

  test("undo restores what the last turn changed; a second turn goes further back", async () => {
    writeFileSync(join(ws, "a.txt"), "orig");
    const llm = scriptedLlm([
      call("write_file", { path: "a.txt", content: "one" }, "c1"),
      say("first"),
      call("write_file", { path: "a.txt", content: "two" }, "c2"),
      say("second"),
    ]);
    const { session, events } = await open(llm, { permissionMode: "auto" });
    await session.send("first change");
    await session.send("second change");
    expect(events.filter((e) => e.type === "undo.recorded")).toHaveLength(2);
    expect(session.undoList().map((e) => e.summary)).toEqual(["second change", "first change"]);
    session.undo();
    expect(readFileSync(join(ws, "a.txt"), "utf8")).toBe("one");
    session.undo();
    expect(readFileSync(join(ws, "a.txt"), "utf8")).toBe("orig");
    await session.close();
  });

  test("resume repairs a history cut mid-tool and compacts one that outgrew the window", async () => {
    const store = createThreadStore({ dir: join(env.XDG_DATA_HOME!, "loom", "threads") });
    const t = createThread({ workspace: ws, provider: "openai", model: "gpt-4o" });
    const big = "x".repeat(60_000);
    for (let i = 0; i < 10; i++) {
      t.messages.push(
        { role: "user", content: `step ${i}` },
        {
          role: "assistant",
          content: "",
          toolCalls: [{ id: `r${i}`, name: "read_file", input: { path: `f${i}` } }],
        },
        { role: "tool", toolCallId: `r${i}`, name: "read_file", content: big },
        { role: "assistant", content: `read f${i}` },
      );
    }
    t.messages.push(
      { role: "user", content: "cut" },
      { role: "assistant", content: "", toolCalls: [{ id: "dangling", name: "read_file", input: {} }] },
    );
    store.save(t);

    const llm = scriptedLlm([say("continuing")]);
    const { session, events } = await open(llm, { resume: t.id.slice(-10) });
    expect(session.thread.id).toBe(t.id);
    await session.send("go on");
    const compacted = events.find((e) => e.type === "context.compacted");
    expect(compacted).toMatchObject({ type: "context.compacted", stage: "pruned" });
    const sent = llm.requests[0]!.messages;
    expect(sent.some((m) => m.role === "tool" && m.toolCallId === "dangling" && m.isError)).toBe(true);
    expect(sent.filter((m) => m.role === "tool" && m.content === big).length).toBeLessThan(3);
    await session.close();
  });

  test("resume 'last' picks this workspace's latest thread, and fails clearly when there is none", async () => {
    await expect(open(scriptedLlm([say("x")]), { resume: "last" })).rejects.toThrow(/no thread to resume/);
    const first = await open(scriptedLlm([say("one")]));
    await first.session.send("hello");
    await first.session.close();
    const again = await open(scriptedLlm([say("two")]), { resume: "last" });
    expect(again.session.thread.id).toBe(first.session.thread.id);
    await again.session.close();
  });

  test("a tool loop that outgrows the window within one turn is trimmed on the way out", async () => {
    const huge = "z".repeat(200_000);
    const llm = scriptedLlm([
      call("read_file", { path: "a" }, "r1"),
      call("read_file", { path: "b" }, "r2"),
      call("read_file", { path: "c" }, "r3"),
      say("read them all"),
    ]);
    const bigRead = { ...readTool(), invoke: async () => ({ output: huge }) };
    const session = await createSession(
      { workspace: ws, env, model: "gpt-4o", provider: "openai" },
      { createLlm: async () => llm, loadTools: async () => ({ tools: [bigRead], close() {} }) },
    );
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    await session.send("read three big files");
    expect(events.filter((e) => e.type === "context.compacted")).toHaveLength(1);
    const last = llm.requests.at(-1)!.messages;
    expect(last.filter((m) => m.role === "tool" && m.content === huge).length).toBeLessThan(3);
    expect(session.thread.messages.filter((m) => m.role === "tool" && m.content === huge)).toHaveLength(3);
    await session.close();
  });

  test("the thread is checkpointed after each round of tools, not only at the end of the turn", async () => {
    const llm = scriptedLlm([call("read_file", { path: "a" }), say("done")]);
    const { session } = await open(llm);
    const seen: string[][] = [];
    session.on((e) => {
      if (e.type === "state.changed" && e.to === "CallingLlm" && e.from !== "WaitingForUserInput") {
        seen.push(session.store.get(session.thread.id)!.messages.map((m) => m.role));
      }
    });
    await session.send("look");
    expect(seen).toEqual([["user", "assistant", "tool"]]);
    await session.close();
  });
  test("close() after a turn writes nothing more: the turn's last save has it all", async () => {
    const llm = scriptedLlm([call("read_file", { path: "a" }), say("done")]);
    const { session, events } = await open(llm);
    await session.send("look");
    const file = join(session.store.dir, `${session.thread.id}.json`);
    const afterTurn = readFileSync(file, "utf8");
    const saves = events.filter((e) => e.type === "thread.saved").length;
    await session.close();
    expect(events.filter((e) => e.type === "thread.saved").length).toBe(saves);
    expect(readFileSync(file, "utf8")).toBe(afterTurn);
    expect(JSON.parse(afterTurn).messages.map((m: { role: string }) => m.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
    ]);
  });

  test("a change after the last save is still written by close()", async () => {
    const llm = scriptedLlm([say("done")]);
    const { session } = await open(llm);
    await session.send("look");
    session.thread.title = "renamed after the turn";
    await session.close();
    expect(session.store.get(session.thread.id)?.title).toBe("renamed after the turn");
  });
});

test("a tools.disabled name that is no tool is one notice, held for the first listener only", async () => {
  const session = await createSession(
    {
      workspace: ws,
      env: { ...env, LOOM_TOOLS__DISABLED: '["raed_file"]' },
      model: "gpt-4o",
      provider: "openai",
    },
    {
      createLlm: async () => scriptedLlm([]),
      loadTools: async () => ({ tools: [readTool(), writeTool()], close() {} }),
    },
  );
  const first: SessionEvent[] = [];
  const second: SessionEvent[] = [];
  session.on((e) => first.push(e));
  session.on((e) => second.push(e));
  expect(first).toEqual([
    {
      type: "session.notice",
      level: "warn",
      message: 'tools.disabled: no tool named "raed_file" (did you mean read_file?); see `loom tools list`',
    },
  ]);
  expect(second).toEqual([]);
  await session.close();
});
