/**
 * The extension's agent side (supervisor, ACP client, chat controller) against the real
 * `loom acp-agent`, whose model is the fake upstream. Only the `vscode` edge is left out.
 */
import { describe, expect, test } from "bun:test";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, MAIN } from "../../tests/acp/harness.ts";
import { LoomAcpClient, streamOf } from "../src/acp-client.ts";
import { AgentSupervisor, type Timers } from "../src/agent-process.ts";
import { ChatController } from "../src/chat-controller.ts";
import type { PermissionItem, ToolItem } from "../src/chat-model.ts";
import { agentCommand, readSettings } from "../src/settings.ts";

async function until<T>(what: string, f: () => T | undefined): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = f();
    if (v !== undefined) return v;
    await Bun.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("extension ↔ real loom acp-agent", () => {
  test("chat turn with an inline permission, then a crash: restarted and the session resumed", async () => {
    const sb = await createSandbox(
      {
        turns: [
          {
            text: "Editing.",
            toolCalls: [
              { id: "e1", name: "edit_file", input: { path: "a.txt", edits: [{ old: "one", new: "two" }] } },
            ],
            stop: "tool_use",
          },
          { text: "Now it says two." },
        ],
      },
      { "a.txt": "one\n" },
    );
    const memento = new Map<string, unknown>();
    const logs: string[] = [];
    const controller = new ChatController({
      cwd: sb.workspace,
      post: () => {},
      memento: {
        get: <T>(k: string) => memento.get(k) as T | undefined,
        update: (k, v) => void memento.set(k, v),
      },
      log: (l) => logs.push(l),
      schedule: (fn) => fn(),
    });
    const restarts: (() => void)[] = [];
    const timers: Timers = {
      now: () => 0,
      setTimeout: (fn) => restarts.push(fn),
      clearTimeout: () => {},
    };
    let current: ChildProcessWithoutNullStreams | undefined;
    let attached = 0;
    const settings = readSettings(
      (k) => ({ loomPath: MAIN, additionalArgs: ["--provider", "anthropic"] })[k],
    );
    const supervisor = new AgentSupervisor({
      command: () => agentCommand(settings, sb.workspace, sb.env),
      spawn: (c) => spawn(c.command, c.args, { cwd: c.cwd, env: c.env, stdio: ["pipe", "pipe", "pipe"] }),
      log: (l) => logs.push(l),
      timers,
      onStarted: (proc) => {
        current = proc;
        void LoomAcpClient.connect(streamOf(proc), controller.callbacks()).then(async (client) => {
          proc.once("exit", () => client.close());
          await controller.attach(client);
          attached++;
        });
      },
      onExited: ({ restartInMs }) =>
        controller.detach(restartInMs === undefined ? "stopped" : "restarting", ""),
    });
    try {
      supervisor.start();
      await until("the first connection", () => (attached === 1 ? true : undefined));
      expect(controller.state.agent.status).toBe("ready");

      const turn = controller.prompt([{ type: "text", text: "make it two" }]);
      const q = await until("a permission question", () =>
        controller.state.items.find((it): it is PermissionItem => it.kind === "permission"),
      );
      expect(q.title).toBe("Edit a.txt");
      await controller.handle({ type: "permission", requestId: q.requestId, optionId: "allow_once" });
      expect(await turn).toBe("end_turn");
      const tool = controller.state.items.find((it): it is ToolItem => it.kind === "tool");
      expect(tool).toMatchObject({ id: "e1", toolKind: "edit", status: "completed" });
      expect(tool?.content).toEqual([
        { type: "diff", path: join(sb.workspace, "a.txt"), oldText: "one", newText: "two" },
      ]);
      expect(readFileSync(join(sb.workspace, "a.txt"), "utf8")).toBe("two\n");
      const sessionId = controller.state.sessionId;
      expect(sessionId).toMatch(/^T-/);
      expect(controller.state.sessions.map((s) => s.id)).toEqual([sessionId!]);

      // The agent dies: the supervisor schedules a restart (1 s), which the test fires at once.
      current?.kill("SIGKILL");
      await until("the restart timer", () => (restarts.length === 1 ? true : undefined));
      expect(controller.state.agent.status).toBe("restarting");
      expect(logs).toContain("restarting in 1 s");
      restarts.shift()?.();
      await until("the second connection", () => (attached === 2 ? true : undefined));
      expect(controller.state.sessionId).toBe(sessionId);
      expect(controller.state.items.map((it) => it.kind)).toEqual(["user", "agent", "tool", "agent"]);
      expect(controller.state.items.at(-1)).toEqual({ kind: "agent", text: "Now it says two." });
    } finally {
      supervisor.stop();
      await sb.cleanup();
    }
  });
});
