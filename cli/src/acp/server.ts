/**
 * The ACP agent: `initialize`, `session/{new,load,list,set_mode,prompt,cancel}` over one
 * connection, translating Loom turns into `session/update` notifications. Loom itself (threads,
 * LLM, tools, the agent machine) comes in through an `AcpEngine`.
 */
import * as acp from "@agentclientprotocol/sdk";
import { methods, PROTOCOL_VERSION, RequestError } from "@agentclientprotocol/sdk";
import { formatError } from "@loom/runtime/errors";
import { VERSION } from "@loom/runtime/version";
import { wrapForClient } from "./client-tools.ts";
import type { AcpEngine, PermissionMode, SessionRecord, TurnEvent, TurnStopReason } from "./engine.ts";
import { MODES, modeState } from "./modes.ts";
import { createApprover, createPermissionMemory, type PermissionMemory } from "./permissions.ts";
import { promptText } from "./prompt-text.ts";
import { replayUpdates } from "./replay.ts";
import { textContent, toolCallCompleted, toolCallStarted } from "./tool-display.ts";

interface LiveSession {
  record: SessionRecord;
  mode: PermissionMode;
  memory: PermissionMemory;
  turn: AbortController | undefined;
}

export interface AcpServerOptions {
  engine: AcpEngine;
  /** Diagnostics (stderr in `loom acp-agent`); stdout carries the protocol. */
  log?: (line: string) => void;
}

const STOP_REASONS: Record<TurnStopReason, acp.StopReason> = {
  end_turn: "end_turn",
  tool_use: "end_turn",
  stop_sequence: "end_turn",
  max_tokens: "max_tokens",
  refusal: "refusal",
  cancelled: "cancelled",
};

/** Builds the agent app; call `.connect(stream)` on the result. One app serves one connection. */
export function createAcpAgent(opts: AcpServerOptions): acp.AgentApp {
  const { engine } = opts;
  const log = opts.log ?? (() => {});
  const sessions = new Map<string, LiveSession>();
  let clientCaps: acp.ClientCapabilities = {};

  const live = (sessionId: string): LiveSession => {
    const s = sessions.get(sessionId);
    if (!s) throw RequestError.sessionNotFound(sessionId);
    return s;
  };

  const open = (record: SessionRecord): LiveSession => {
    const s: LiveSession = {
      record,
      mode: engine.defaultMode,
      memory: createPermissionMemory(),
      turn: undefined,
    };
    sessions.set(record.id, s);
    return s;
  };

  return acp
    .agent({ name: "loom" })
    .onRequest(methods.agent.initialize, ({ params }) => {
      clientCaps = params.clientCapabilities ?? {};
      return {
        protocolVersion: PROTOCOL_VERSION,
        agentInfo: { name: "loom", title: "Loom", version: VERSION },
        authMethods: [],
        agentCapabilities: {
          loadSession: true,
          promptCapabilities: { image: false, audio: false, embeddedContext: true },
          mcpCapabilities: { http: false, sse: false },
          sessionCapabilities: { list: {} },
        },
      };
    })
    .onRequest(methods.agent.session.new, async ({ params }) => {
      const s = open(await engine.newSession(params.cwd));
      log(`session ${s.record.id} created in ${params.cwd}`);
      return { sessionId: s.record.id, modes: modeState(s.mode) };
    })
    .onRequest(methods.agent.session.load, async ({ params, client }) => {
      const record = await engine.loadSession(params.sessionId);
      if (!record) throw RequestError.sessionNotFound(params.sessionId);
      const prev = sessions.get(record.id);
      prev?.turn?.abort();
      const s = open(record);
      for (const update of replayUpdates(record.messages, record.cwd)) {
        await client.notify(methods.client.session.update, { sessionId: record.id, update });
      }
      log(`session ${record.id} loaded (${record.messages.length} messages)`);
      return { modes: modeState(s.mode) };
    })
    .onRequest(methods.agent.session.list, async ({ params }) => {
      const list = await engine.listSessions(params.cwd ?? undefined);
      return {
        sessions: list.map((r) => ({ sessionId: r.id, cwd: r.cwd, title: r.title, updatedAt: r.updatedAt })),
      };
    })
    .onRequest(methods.agent.session.setMode, async ({ params, client }) => {
      const s = live(params.sessionId);
      const mode = MODES.find((m) => m.id === params.modeId);
      if (!mode) throw RequestError.invalidParams({ modeId: params.modeId }, `unknown mode ${params.modeId}`);
      s.mode = mode.id;
      await client.notify(methods.client.session.update, {
        sessionId: params.sessionId,
        update: { sessionUpdate: "current_mode_update", currentModeId: mode.id },
      });
      return {};
    })
    .onNotification(methods.agent.session.cancel, ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (s?.turn) {
        log(`session ${params.sessionId}: cancel`);
        s.turn.abort();
      }
    })
    .onRequest(methods.agent.session.prompt, async ({ params, client, signal }) => {
      const s = live(params.sessionId);
      if (s.turn) throw RequestError.invalidRequest(undefined, "a prompt is already running in this session");
      const turn = new AbortController();
      s.turn = turn;
      const onRequestAbort = () => turn.abort();
      signal.addEventListener("abort", onRequestAbort, { once: true });

      const sessionId = s.record.id;
      const cwd = s.record.cwd;
      // Notifications are sent in order and all of them before the prompt's response.
      let outbox: Promise<void> = Promise.resolve();
      const send = (update: acp.SessionUpdate) => {
        outbox = outbox
          .then(() => client.notify(methods.client.session.update, { sessionId, update }))
          .catch((e) => log(`session ${sessionId}: update failed: ${formatError(e)}`));
      };
      const onEvent = (e: TurnEvent) => {
        switch (e.type) {
          case "text":
            send({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: e.text } });
            break;
          case "tool.started": {
            const started = toolCallStarted(e.call, e.tool, cwd);
            if (!e.tool?.mutating || s.mode !== "ask") started.status = "in_progress";
            send({ sessionUpdate: "tool_call", ...started });
            break;
          }
          case "tool.progress":
            if (e.progress.message)
              send({
                sessionUpdate: "tool_call_update",
                toolCallId: e.callId,
                status: "in_progress",
                content: [textContent(e.progress.message)],
              });
            break;
          case "tool.completed":
            send({ sessionUpdate: "tool_call_update", ...toolCallCompleted(e.call, e.result, cwd) });
            break;
          case "usage":
            send({
              sessionUpdate: "usage_update",
              used: e.usage.inputTokens + e.usage.outputTokens,
              size: engine.contextWindow,
            });
            break;
          default: {
            const never: never = e;
            throw new Error(`unknown turn event ${JSON.stringify(never)}`);
          }
        }
      };
      const approveAsked = createApprover({
        sessionId,
        cwd,
        mode: () => s.mode,
        memory: s.memory,
        client,
        signal: turn.signal,
      });
      try {
        const reason = await engine.prompt({
          session: s.record,
          prompt: promptText(params.prompt),
          signal: turn.signal,
          wrapTool: (tool) => wrapForClient(tool, { caps: clientCaps, client, sessionId, cwd }),
          approve: async (call, tool) => {
            const ok = await approveAsked(call, tool);
            if (ok) send({ sessionUpdate: "tool_call_update", toolCallId: call.id, status: "in_progress" });
            return ok;
          },
          onEvent,
        });
        await outbox;
        return { stopReason: turn.signal.aborted ? "cancelled" : STOP_REASONS[reason] };
      } catch (e) {
        await outbox;
        if (turn.signal.aborted) return { stopReason: "cancelled" as const };
        log(`session ${sessionId}: turn failed: ${formatError(e)}`);
        throw RequestError.internalError(undefined, formatError(e));
      } finally {
        signal.removeEventListener("abort", onRequestAbort);
        if (s.turn === turn) s.turn = undefined;
      }
    });
}
