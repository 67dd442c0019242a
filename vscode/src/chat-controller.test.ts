import { describe, expect, test } from "bun:test";
import * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { LoomAcpClient } from "./acp-client.ts";
import { ChatController, LAST_SESSION_KEY } from "./chat-controller.ts";
import type { PermissionItem } from "./chat-model.ts";
import type { HostToView } from "./view-protocol.ts";

function pipePair(): { client: acp.Stream; agent: acp.Stream } {
  const up = new TransformStream<Uint8Array, Uint8Array>();
  const down = new TransformStream<Uint8Array, Uint8Array>();
  return {
    client: acp.ndJsonStream(up.writable, down.readable),
    agent: acp.ndJsonStream(down.writable, up.readable),
  };
}

/** A small ACP agent peer speaking the real protocol; what it does is scripted per prompt text. */
function peerAgent() {
  const seen = {
    cancels: 0,
    permissionOutcomes: [] as acp.RequestPermissionOutcome[],
    prompts: [] as string[],
  };
  let n = 0;
  let cancelled: () => void = () => {};
  const app = acp
    .agent({ name: "peer" })
    .onRequest(methods.agent.initialize, () => ({
      protocolVersion: acp.PROTOCOL_VERSION,
      agentCapabilities: { loadSession: true, sessionCapabilities: { list: {} } },
    }))
    .onRequest(methods.agent.session.new, () => ({
      sessionId: `S-${++n}`,
      modes: {
        currentModeId: "ask",
        availableModes: [
          { id: "ask", name: "Ask" },
          { id: "auto", name: "Auto" },
        ],
      },
    }))
    .onRequest(methods.agent.session.list, () => ({
      sessions: Array.from({ length: n }, (_, i) => ({
        sessionId: `S-${i + 1}`,
        cwd: "/w",
        title: `t${i + 1}`,
      })),
    }))
    .onRequest(methods.agent.session.load, async ({ params, client }) => {
      if (params.sessionId !== "S-old") throw acp.RequestError.sessionNotFound(params.sessionId);
      const update = (u: acp.SessionUpdate) =>
        client.notify(methods.client.session.update, { sessionId: params.sessionId, update: u });
      await update({ sessionUpdate: "user_message_chunk", content: { type: "text", text: "earlier" } });
      await update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: "answer" } });
      return {};
    })
    .onNotification(methods.agent.session.cancel, () => {
      seen.cancels++;
      cancelled();
    })
    .onRequest(methods.agent.session.prompt, async ({ params, client }) => {
      const text = params.prompt.map((b) => (b.type === "text" ? b.text : "")).join("");
      seen.prompts.push(text);
      const cancel = new Promise<void>((resolve) => {
        cancelled = resolve;
      });
      const update = (u: acp.SessionUpdate) =>
        client.notify(methods.client.session.update, { sessionId: params.sessionId, update: u });
      await update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: "ok" } });
      if (text === "wait") {
        await cancel;
        return { stopReason: "cancelled" };
      }
      if (text === "edit") {
        await update({
          sessionUpdate: "tool_call",
          toolCallId: "c1",
          title: "Edit a",
          kind: "edit",
          status: "pending",
        });
        const res = await client.request(methods.client.session.requestPermission, {
          sessionId: params.sessionId,
          toolCall: { toolCallId: "c1", title: "Edit a" },
          options: [
            { optionId: "allow_once", name: "Allow", kind: "allow_once" },
            { optionId: "reject_once", name: "Reject", kind: "reject_once" },
          ],
        });
        seen.permissionOutcomes.push(res.outcome);
        const ok = res.outcome.outcome === "selected" && res.outcome.optionId === "allow_once";
        await update({
          sessionUpdate: "tool_call_update",
          toolCallId: "c1",
          status: ok ? "completed" : "failed",
        });
        return { stopReason: ok ? "end_turn" : "cancelled" };
      }
      return { stopReason: "end_turn" };
    });
  return { app, seen };
}

async function setup(memento: Record<string, unknown> = {}) {
  const { app, seen } = peerAgent();
  const pair = pipePair();
  app.connect(pair.agent);
  const posts: HostToView[] = [];
  const c = new ChatController({
    cwd: "/w",
    post: (m) => posts.push(m),
    memento: {
      get: <T>(k: string) => memento[k] as T | undefined,
      update: (k, v) => {
        memento[k] = v;
      },
    },
    log: () => {},
    schedule: (fn) => fn(),
  });
  const client = await LoomAcpClient.connect(pair.client, c.callbacks());
  await c.attach(client);
  return { c, seen, posts, memento, client };
}

/** Waits (bounded) until the controller shows an open permission question. */
async function openQuestion(c: ChatController): Promise<PermissionItem> {
  for (let i = 0; i < 200; i++) {
    const q = c.state.items.find(
      (it): it is PermissionItem => it.kind === "permission" && it.answer === undefined,
    );
    if (q) return q;
    await Bun.sleep(1);
  }
  throw new Error("no permission question appeared");
}

describe("chat controller", () => {
  test("a prompt starts a session, streams, and the user's permission answer reaches the agent", async () => {
    const { c, seen, posts, memento, client } = await setup();
    const turn = c.prompt([{ type: "text", text: "edit" }]);
    const q = await openQuestion(c);
    expect(q.title).toBe("Edit a");
    expect(c.state.busy).toBe(true);
    await c.handle({ type: "permission", requestId: q.requestId, optionId: "allow_once" });
    expect(await turn).toBe("end_turn");
    expect(seen.permissionOutcomes).toEqual([{ outcome: "selected", optionId: "allow_once" }]);
    expect(c.state.sessionId).toBe("S-1");
    expect(memento[LAST_SESSION_KEY]).toBe("S-1");
    expect(c.state.busy).toBe(false);
    expect(c.state.modes.map((m) => m.id)).toEqual(["ask", "auto"]);
    const kinds = c.state.items.map((it) => it.kind);
    expect(kinds).toEqual(["user", "agent", "tool", "permission"]);
    expect(c.state.items[2]).toMatchObject({ kind: "tool", id: "c1", status: "completed" });
    expect(posts.at(-1)?.state.items.length).toBe(4);
    client.close();
  });

  test("cancel releases an open question as cancelled and notifies the agent", async () => {
    const { c, seen, client } = await setup();
    const turn = c.prompt([{ type: "text", text: "edit" }]);
    await openQuestion(c);
    await c.handle({ type: "cancel" });
    expect(await turn).toBe("cancelled");
    expect(seen.permissionOutcomes).toEqual([{ outcome: "cancelled" }]);
    expect(seen.cancels).toBe(1);
    expect(c.state.items.at(-1)).toEqual({ kind: "notice", severity: "info", text: "Cancelled." });

    const running = c.prompt([{ type: "text", text: "wait" }]);
    await expect(c.prompt([{ type: "text", text: "again" }])).rejects.toThrow("already running");
    await c.cancel();
    expect(await running).toBe("cancelled");
    client.close();
  });

  test("attach resumes the workspace's last session from its history", async () => {
    const { c, client } = await setup({ [LAST_SESSION_KEY]: "S-old" });
    expect(c.state.sessionId).toBe("S-old");
    expect(c.state.items).toEqual([
      { kind: "user", text: "earlier" },
      { kind: "agent", text: "answer" },
    ]);
    client.close();
  });

  test("a vanished last session is forgotten; sessions are listed; detach marks the agent down", async () => {
    const { c, memento, client } = await setup({ [LAST_SESSION_KEY]: "S-gone" });
    expect(c.state.sessionId).toBeUndefined();
    expect(memento[LAST_SESSION_KEY]).toBeUndefined();
    await c.handle({ type: "newSession" });
    await c.handle({ type: "newSession" });
    expect(c.state.sessions.map((s) => s.id)).toEqual(["S-1", "S-2"]);
    c.detach("restarting", "in 2 s");
    expect(c.state.agent).toEqual({ status: "restarting", detail: "in 2 s" });
    await c.handle({ type: "prompt", text: "hello" });
    expect(c.state.items.at(-1)).toMatchObject({ kind: "notice", severity: "error" });
    client.close();
  });
});
