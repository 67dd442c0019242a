import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AssistantMessage } from "@loom/runtime/llm";
import { readTool, scriptedLlm, writeTool } from "./_fakes.ts";
import { createSession } from "./session.ts";

let root: string;
let ws: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "loom-plan-"));
  ws = join(root, "ws");
  mkdirSync(ws);
  ws = realpathSync(ws);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (id: string): AssistantMessage => ({
  role: "assistant",
  content: "",
  toolCalls: [{ id, name: "write_file", input: { path: "x.txt", content: id } }],
});
const say = (content: string): AssistantMessage => ({ role: "assistant", content });

test("plan mode refuses edits in the permission check, in auto mode too; leaving it allows them again", async () => {
  const llm = scriptedLlm([write("w1"), say("plan: write x.txt"), write("w2"), say("done")]);
  const session = await createSession(
    {
      workspace: ws,
      env: {
        HOME: join(root, "home"),
        XDG_DATA_HOME: join(root, "data"),
        XDG_CONFIG_HOME: join(root, "config"),
        XDG_STATE_HOME: join(root, "state"),
      },
      model: "gpt-4o",
      provider: "openai",
      permissionMode: "auto",
    },
    { createLlm: async () => llm, loadTools: async () => ({ tools: [readTool(), writeTool()], close() {} }) },
  );
  session.setPlanning(true);
  await session.send("plan the change");
  const refusal = session.thread.messages.find((m) => m.role === "tool");
  expect(refusal?.content).toStartWith("PERMISSION_DENIED: plan mode: write_file would change the workspace");
  expect(refusal?.isError).toBe(true);
  expect(existsSync(join(ws, "x.txt"))).toBe(false);
  // The tool is still offered (the model learns why it cannot use it), and reads are not affected.
  expect(llm.requests[0]?.tools?.map((t) => t.name)).toContain("write_file");

  session.setPlanning(false);
  expect(session.planning).toBe(false);
  await session.send("go");
  expect(readFileSync(join(ws, "x.txt"), "utf8")).toBe("w2");
  await session.close();
});
