/**
 * The ACP agent: `initialize`, `session/{new,load,list,set_mode,prompt,cancel}` over one
 * connection, translating Loom turns into `session/update` notifications. Loom itself (threads,
 * LLM, tools, the agent machine) comes in through an `AcpEngine`.
 */
import * as acp from "@agentclientprotocol/sdk";
import { methods, RequestError } from "@agentclientprotocol/sdk";
import { formatError, isLoomError } from "@loom/runtime/errors";
import type { Logger } from "@loom/runtime/log";
import { wrapForClient } from "./client-tools.ts";
import { availableCommands, type CommandName, customPrompt, parseCommand } from "./commands.ts";
import { configOptions, MODE_OPTION, MODEL_OPTION, modelChoices } from "./config-options.ts";
import type { AcpEngine, EngineSession, PermissionMode, SessionHooks } from "./engine.ts";
import { AUTH_METHOD_ID, initializeResponse } from "./initialize.ts";
import { acpMcpServers } from "./mcp-servers.ts";
import { MODES, modeState } from "./modes.ts";
import { createApprover, createPermissionMemory } from "./permissions.ts";
import { type PlanTracker, planOf, planTracker } from "./plan.ts";
import { promptImages, promptText } from "./prompt-text.ts";
import { replayUpdates } from "./replay.ts";
import { askOutsideSandbox, askUnsandboxed } from "./sandbox-question.ts";
import { askToContinue } from "./step-limit.ts";
import { type Send, turnRenderer } from "./turn-updates.ts";

interface LiveSession {
  engine: EngineSession;
  /** The workspace as the client named it (paths sent to the client are under it). */
  cwd: string;
  mode: PermissionMode;
  turn: AbortController | undefined;
  /** The running turn's update sink. */
  send: Send | undefined;
  /** Resolves when every update sent so far has been written. */
  flush: () => Promise<void>;
  /** The model's latest task list (see plan.ts). */
  plan: PlanTracker;
}

/** Where diagnostics go (stderr in `loom acp-agent`; stdout carries the protocol). */
export type AcpLog = Pick<Logger, "info" | "warn" | "error">;

export interface AcpServerOptions {
  engine: AcpEngine;
  log?: AcpLog;
}

const silent: AcpLog = { info() {}, warn() {}, error() {} };

export interface AcpAgent {
  app: acp.AgentApp;
  /** Cancels running turns and closes every open session (saving its thread). */
  closeAll(): Promise<void>;
}

/** Builds the agent app; call `.connect(stream)` on `app`. One agent serves one connection. */
export function createAcpAgent(opts: AcpServerOptions): AcpAgent {
  const { engine } = opts;
  const log = opts.log ?? silent;
  const sessions = new Map<string, LiveSession>();
  let clientCaps: acp.ClientCapabilities = {};

  const live = (sessionId: string): LiveSession => {
    const s = sessions.get(sessionId);
    if (!s) throw RequestError.sessionNotFound(sessionId);
    return s;
  };

  /** Cancels a running turn and closes the session (its thread is saved). */
  const close = async (s: LiveSession): Promise<void> => {
    if (sessions.get(s.engine.id) === s) sessions.delete(s.engine.id);
    s.turn?.abort();
    await s.engine.close();
  };

  /** Opens a session through `start`, with hooks bound to this connection's client. */
  const open = async (
    cwd: string,
    client: acp.AgentContext,
    start: (hooks: SessionHooks) => Promise<EngineSession | undefined>,
  ): Promise<LiveSession | undefined> => {
    const ref: { s?: LiveSession } = {};
    let stepLimitQuestions = 0;
    const idle = new AbortController().signal;
    const approve = createApprover({
      sessionId: () => ref.s?.engine.id ?? "",
      cwd,
      mode: () => ref.s?.mode ?? "ask",
      memory: createPermissionMemory(),
      client,
      signal: () => ref.s?.turn?.signal ?? idle,
    });
    const hooks: SessionHooks = {
      wrapTool: (tool) =>
        wrapForClient(tool, { caps: clientCaps, client, sessionId: () => ref.s?.engine.id ?? "", cwd }),
      async approve(call, tool) {
        // The client must know the tool call (`tool_call`, sent through the outbox) before it is asked.
        await ref.s?.flush();
        const ok = await approve(call, tool);
        if (ok)
          ref.s?.send?.({ sessionUpdate: "tool_call_update", toolCallId: call.id, status: "in_progress" });
        return ok;
      },
      askUnsandboxed(reason) {
        const s = ref.s;
        if (!s?.send || !s.turn) return Promise.resolve(false);
        return askUnsandboxed({
          client,
          sessionId: s.engine.id,
          reason,
          send: s.send,
          flush: s.flush,
          signal: s.turn.signal,
        });
      },
      askOutsideSandbox(request) {
        const s = ref.s;
        if (!s?.send || !s.turn) return Promise.resolve(false);
        return askOutsideSandbox({
          client,
          sessionId: s.engine.id,
          request,
          send: s.send,
          flush: s.flush,
          signal: s.turn.signal,
        });
      },
      continueAtStepLimit(steps) {
        const s = ref.s;
        if (!s?.send || !s.turn) return Promise.resolve(false);
        return askToContinue({
          client,
          sessionId: s.engine.id,
          steps,
          serial: ++stepLimitQuestions,
          send: s.send,
          flush: s.flush,
          signal: s.turn.signal,
        });
      },
    };
    const engineSession = await start(hooks).catch((e: unknown) => {
      throw toRequestError(e);
    });
    if (!engineSession) return undefined;
    const s: LiveSession = {
      engine: engineSession,
      cwd,
      mode: engineSession.mode,
      turn: undefined,
      send: undefined,
      flush: async () => {},
      plan: planTracker(planOf(engineSession.messages)),
    };
    ref.s = s;
    const prev = sessions.get(engineSession.id);
    if (prev) {
      prev.turn?.abort();
      void prev.engine.close().catch(() => {});
    }
    sessions.set(engineSession.id, s);
    return s;
  };

  const configOf = (s: LiveSession) =>
    configOptions({ model: s.engine.model, models: s.engine.models, mode: s.mode });
  const notify = (client: acp.AgentContext, s: LiveSession, update: acp.SessionUpdate) =>
    client.notify(methods.client.session.update, { sessionId: s.engine.id, update });

  /** The editor learns the session's commands once it has the session (after the answer). */
  const announceCommands = (s: LiveSession, client: acp.AgentContext) => {
    setTimeout(() => {
      notify(client, s, {
        sessionUpdate: "available_commands_update",
        availableCommands: availableCommands(s.engine.customCommands),
      }).catch((e) => log.warn(`session ${s.engine.id}: commands not sent: ${formatError(e)}`));
    }, 0);
  };

  const applyMode = async (s: LiveSession, modeId: string, client: acp.AgentContext) => {
    const mode = MODES.find((m) => m.id === modeId);
    if (!mode) throw RequestError.invalidParams({ modeId }, `unknown mode ${modeId}`);
    s.mode = mode.id;
    s.engine.setMode(mode.id);
    await notify(client, s, { sessionUpdate: "current_mode_update", currentModeId: mode.id });
  };

  const applyModel = async (s: LiveSession, model: string) => {
    if (!modelChoices(s.engine).includes(model))
      throw RequestError.invalidParams(
        { model },
        `unknown model ${model} (choose one of the model option's values)`,
      );
    await s.engine.setModel(model).catch((e: unknown) => {
      throw toRequestError(e);
    });
    log.info(`session ${s.engine.id}: model ${model}`);
  };

  /** A slash command typed as the prompt: its output, as the agent's reply. */
  const runCommand = async (s: LiveSession, name: CommandName, arg: string, client: acp.AgentContext) => {
    if (name === "mode" || name === "model") {
      if (arg) {
        if (name === "mode") await applyMode(s, arg, client);
        else await applyModel(s, arg);
        await notify(client, s, { sessionUpdate: "config_option_update", configOptions: configOf(s) });
      }
      return name === "mode"
        ? `mode: ${s.mode} (${MODES.map((m) => m.id).join(", ")})`
        : `model: ${s.engine.model} (${modelChoices(s.engine).join(", ")})`;
    }
    return s.engine.command(name, arg);
  };

  const app = acp
    .agent({ name: "loom" })
    .onRequest(methods.agent.initialize, ({ params }) => {
      clientCaps = params.clientCapabilities ?? {};
      return initializeResponse(clientCaps);
    })
    // Loom holds no sign-in state of its own: "authenticate" re-reads config and tells whether a
    // provider key (or team-server login) is there now.
    .onRequest(methods.agent.authenticate, async ({ params }) => {
      if (params.methodId !== AUTH_METHOD_ID)
        throw RequestError.invalidParams(
          { methodId: params.methodId },
          `unknown auth method ${params.methodId}`,
        );
      await engine.checkCredentials().catch((e: unknown) => {
        throw toRequestError(e);
      });
      log.info("authenticated: the provider's credentials are there");
      return {};
    })
    .onRequest(methods.agent.session.new, async ({ params, client }) => {
      const mcpServers = acpMcpServers(params.mcpServers);
      const s = (await open(params.cwd, client, (hooks) =>
        engine.newSession(params.cwd, hooks, { mcpServers }),
      ))!;
      log.info(`session ${s.engine.id} created in ${s.engine.cwd}`);
      announceCommands(s, client);
      return { sessionId: s.engine.id, modes: modeState(s.mode), configOptions: configOf(s) };
    })
    .onRequest(methods.agent.session.load, async ({ params, client }) => {
      const mcpServers = acpMcpServers(params.mcpServers);
      const s = await open(params.cwd, client, (hooks) =>
        engine.loadSession(params.sessionId, params.cwd, hooks, { mcpServers }),
      );
      if (!s) throw RequestError.sessionNotFound(params.sessionId);
      for (const update of replayUpdates([...s.engine.messages], s.cwd)) {
        await client.notify(methods.client.session.update, { sessionId: s.engine.id, update });
      }
      log.info(`session ${s.engine.id} loaded (${s.engine.messages.length} messages)`);
      announceCommands(s, client);
      return { modes: modeState(s.mode), configOptions: configOf(s) };
    })
    .onRequest(methods.agent.session.resume, async ({ params, client }) => {
      const s = await open(params.cwd, client, (hooks) =>
        engine.loadSession(params.sessionId, params.cwd, hooks),
      );
      if (!s) throw RequestError.sessionNotFound(params.sessionId);
      log.info(`session ${s.engine.id} resumed (${s.engine.messages.length} messages)`);
      announceCommands(s, client);
      return { modes: modeState(s.mode), configOptions: configOf(s) };
    })
    // Closing or deleting a session that is not there leaves the same end state: success (as ACP recommends).
    .onRequest(methods.agent.session.close, async ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (s) {
        await close(s);
        log.info(`session ${params.sessionId} closed`);
      }
      return {};
    })
    .onRequest(methods.agent.session.delete, async ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (s) await close(s);
      if (await engine.deleteSession(params.sessionId)) log.info(`session ${params.sessionId} deleted`);
      return {};
    })
    .onRequest(methods.agent.session.list, async ({ params }) => {
      const list = await engine.listSessions(params.cwd ?? undefined);
      return {
        sessions: list.map((r) => ({ sessionId: r.id, cwd: r.cwd, title: r.title, updatedAt: r.updatedAt })),
      };
    })
    .onRequest(methods.agent.session.setMode, async ({ params, client }) => {
      const s = live(params.sessionId);
      await applyMode(s, params.modeId, client);
      await notify(client, s, { sessionUpdate: "config_option_update", configOptions: configOf(s) });
      return {};
    })
    .onRequest(methods.agent.session.setConfigOption, async ({ params, client }) => {
      const s = live(params.sessionId);
      const value = "value" in params ? params.value : undefined;
      if (typeof value !== "string")
        throw RequestError.invalidParams(
          { configId: params.configId },
          `${params.configId} takes a string value`,
        );
      if (params.configId === MODE_OPTION) await applyMode(s, value, client);
      else if (params.configId === MODEL_OPTION) {
        if (s.turn)
          throw RequestError.invalidRequest(undefined, "a prompt is running; change the model after it");
        await applyModel(s, value);
      } else
        throw RequestError.invalidParams(
          { configId: params.configId },
          `unknown config option ${params.configId}`,
        );
      return { configOptions: configOf(s) };
    })
    .onNotification(methods.agent.session.cancel, ({ params }) => {
      const s = sessions.get(params.sessionId);
      if (s?.turn) {
        log.info(`session ${params.sessionId}: cancel`);
        s.turn.abort();
      }
    })
    .onRequest(methods.agent.session.prompt, async ({ params, client, signal }) => {
      const s = live(params.sessionId);
      if (s.turn) throw RequestError.invalidRequest(undefined, "a prompt is already running in this session");
      let text = promptText(params.prompt);
      const command = parseCommand(text);
      const custom = command ? undefined : customPrompt(text, s.engine.customCommands ?? []);
      if (custom) text = custom.text;
      if (command) {
        // Holds the session like a turn, so no prompt starts while the command runs.
        const busy = new AbortController();
        s.turn = busy;
        const reply = await runCommand(s, command.name, command.arg, client)
          .catch((e: unknown) => formatError(e))
          .finally(() => {
            if (s.turn === busy) s.turn = undefined;
          });
        await notify(client, s, {
          sessionUpdate: "agent_message_chunk",
          content: { type: "text", text: reply },
        });
        return { stopReason: "end_turn" as const };
      }
      const turn = new AbortController();
      s.turn = turn;
      const onRequestAbort = () => turn.abort();
      signal.addEventListener("abort", onRequestAbort, { once: true });
      const sessionId = s.engine.id;
      // Notifications go out in order, and all of them before the prompt's response.
      let outbox: Promise<void> = Promise.resolve();
      const send: Send = (update) => {
        outbox = outbox
          .then(() => client.notify(methods.client.session.update, { sessionId, update }))
          .catch((e) => log.warn(`session ${sessionId}: update failed: ${formatError(e)}`));
      };
      s.send = send;
      s.flush = () => outbox;
      const render = turnRenderer({
        cwd: s.cwd,
        send,
        mode: () => s.mode,
        contextWindow: () => s.engine.contextWindow,
        plan: s.plan,
      });
      try {
        const reason = await s.engine.prompt(
          text,
          turn.signal,
          (e) => render.render(e),
          promptImages(params.prompt),
          custom?.tools,
        );
        render.closeOpen(turn.signal.aborted ? "Cancelled." : "Not run.");
        send({ sessionUpdate: "session_info_update", title: s.engine.title, updatedAt: s.engine.updatedAt });
        await outbox;
        return { stopReason: turn.signal.aborted ? "cancelled" : stopReason(reason) };
      } catch (e) {
        render.closeOpen(turn.signal.aborted ? "Cancelled." : "The turn failed.");
        await outbox;
        if (turn.signal.aborted) return { stopReason: "cancelled" as const };
        log.error(`session ${sessionId}: turn failed: ${formatError(e)}`);
        throw toRequestError(e);
      } finally {
        signal.removeEventListener("abort", onRequestAbort);
        if (s.turn === turn) {
          s.turn = undefined;
          s.send = undefined;
          s.flush = async () => {};
        }
      }
    });

  return {
    app,
    async closeAll() {
      const all = [...sessions.values()];
      sessions.clear();
      for (const s of all) s.turn?.abort();
      await Promise.allSettled(all.map((s) => s.engine.close()));
    },
  };
}

/** A thrown error as a JSON-RPC error whose message is Loom's one line (`CODE: message`). */
function toRequestError(e: unknown): RequestError {
  if (e instanceof RequestError) return e;
  // ACP's auth_required: the editor can offer the advertised auth methods and try again.
  if (isLoomError(e) && e.code === "MISSING_CREDENTIALS")
    return new RequestError(-32000, formatError(e), { ...e.toJSON(), authMethods: [AUTH_METHOD_ID] });
  const code = !isLoomError(e)
    ? -32603
    : e.code === "INVALID_INPUT" || e.code === "CONFIG_INVALID" || e.code === "CONFIG_PARSE"
      ? -32602
      : e.code === "NOT_FOUND"
        ? -32002
        : -32603;
  return new RequestError(code, formatError(e), isLoomError(e) ? e.toJSON() : undefined);
}

function stopReason(reason: string): acp.StopReason {
  switch (reason) {
    case "max_tokens":
      return "max_tokens";
    case "refusal":
      return "refusal";
    case "cancelled":
      return "cancelled";
    case "max_turn_requests":
      return "max_turn_requests";
    default:
      return "end_turn";
  }
}
