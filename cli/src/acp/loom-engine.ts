/**
 * The real `AcpEngine`: each ACP session is a CLI session (`createSession`: config, LLM client,
 * tools, the agent machine) on its own Loom thread; the session id is the thread id.
 */
import { realpathSync } from "node:fs";
import { join } from "node:path";
import type { SubagentProgress } from "@loom/runtime/agent/subagent";
import type { FinishReason, LlmClient, ToolCall } from "@loom/runtime/llm";
import { dataDir, type Env } from "@loom/runtime/paths";
import { MODELS } from "@loom/runtime/providers/catalogue";
import { createThreadStore, threadTitle } from "@loom/runtime/threads/store";
import type { Tool } from "@loom/runtime/tool";
import { providerType } from "../providers.ts";
import { SLASH_COMMANDS } from "../repl/slash.ts";
import { createStyle } from "../repl/style.ts";
import { type CustomCommand, loadCustomCommands } from "../session/custom-commands.ts";
import type { SessionEvent } from "../session/events.ts";
import { createSessionLlm } from "../session/llm.ts";
import { createSession, type Session, type SessionInit } from "../session/session.ts";
import { resolveStart } from "../session/setup.ts";
import type {
  AcpEngine,
  EngineSession,
  PermissionMode,
  SessionHooks,
  TurnEvent,
  TurnStopReason,
} from "./engine.ts";

/** Flags of `loom acp-agent` that every session starts from. */
export type EngineFlags = Pick<SessionInit, "provider" | "model" | "permissionMode" | "serverUrl">;

export interface LoomEngineOptions {
  flags?: EngineFlags;
  env?: Env;
}

/** Passes the stream through, telling `onFinish` why each response ended (for the ACP stop reason). */
function observeFinish(llm: LlmClient, onFinish: (r: FinishReason) => void): LlmClient {
  return {
    provider: llm.provider,
    complete: (req, signal) => llm.complete(req, signal),
    async *stream(req, signal) {
      for await (const e of llm.stream(req, signal)) {
        if (e.type === "completed") onFinish(e.response.finishReason);
        yield e;
      }
    },
  };
}

function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Command output goes into a chat message: no terminal colours. */
const plainStyle = createStyle(false);

export function createLoomEngine(opts: LoomEngineOptions = {}): AcpEngine {
  const env = opts.env ?? process.env;
  const store = createThreadStore({ dir: join(dataDir(env), "threads") });

  const start = async (hooks: SessionHooks, init: SessionInit): Promise<EngineSession> => {
    let lastFinish: FinishReason | undefined;
    const tools = new Map<string, Tool>();
    const session = await createSession(
      {
        ...opts.flags,
        ...init,
        env,
        surface: "acp",
        ask: async (call, tool) => ((await hooks.approve(call, tool)) ? "yes" : "no"),
        askContinue: (steps) => hooks.continueAtStepLimit(steps),
        ...(hooks.askUnsandboxed
          ? { askUnsandboxed: (reason: string) => hooks.askUnsandboxed?.(reason) ?? Promise.resolve(false) }
          : {}),
        ...(hooks.askOutsideSandbox
          ? {
              askOutside: (command: string, denial: string, _signal: AbortSignal, callId: string) =>
                hooks.askOutsideSandbox?.({ callId, command, denial }) ?? Promise.resolve(false),
            }
          : {}),
        wrapTool: (t) => {
          const wrapped = hooks.wrapTool(t);
          tools.set(wrapped.name, wrapped);
          return wrapped;
        },
      },
      {
        createLlm: async (config, provider, e, _notice, workspace) =>
          observeFinish(await createSessionLlm(config, provider, e, undefined, workspace), (r) => {
            lastFinish = r;
          }),
      },
    );
    const custom = loadCustomCommands(session.workspace, env);
    for (const w of custom.warnings) process.stderr.write(`loom acp-agent: ${w}\n`);
    return engineSession(
      session,
      custom.commands,
      tools,
      () => lastFinish,
      (v) => {
        lastFinish = v;
      },
    );
  };

  return {
    newSession: (cwd, hooks, o = {}) =>
      start(hooks, { workspace: cwd, ...(o.mcpServers ? { mcpServers: o.mcpServers } : {}) }),
    async loadSession(id, cwd, hooks, o = {}) {
      let thread: ReturnType<typeof store.get>;
      try {
        thread = store.get(id);
      } catch {
        return undefined;
      }
      if (!thread || thread.deletedAt) return undefined;
      return start(hooks, {
        workspace: cwd,
        resume: id,
        ...(o.mcpServers ? { mcpServers: o.mcpServers } : {}),
      });
    },
    async deleteSession(id) {
      try {
        return store.delete(id);
      } catch {
        return false;
      }
    },
    async checkCredentials() {
      const { config, provider } = resolveStart({ ...opts.flags }, env);
      await createSessionLlm(config, provider, env);
    },
    async listSessions(cwd) {
      const list = store.list(cwd ? { workspace: canonical(cwd) } : {});
      // Asked for one workspace: answer with the client's own name for it (it may be a symlink).
      return list.map((t) => ({ id: t.id, cwd: cwd ?? t.workspace, title: t.title, updatedAt: t.updatedAt }));
    },
  };
}

function engineSession(
  session: Session,
  customCommands: readonly CustomCommand[],
  tools: ReadonlyMap<string, Tool>,
  lastFinish: () => FinishReason | undefined,
  setLastFinish: (v: undefined) => void,
): EngineSession {
  let pendingMode: PermissionMode | undefined;
  const applyPendingMode = () => {
    if (pendingMode && !session.busy) {
      session.setPermissionMode(pendingMode);
      pendingMode = undefined;
    }
  };
  return {
    get id() {
      return session.thread.id;
    },
    cwd: session.workspace,
    customCommands,
    get messages() {
      return session.thread.messages;
    },
    get title() {
      return threadTitle(session.thread);
    },
    get updatedAt() {
      return session.thread.updatedAt;
    },
    get mode() {
      return pendingMode ?? session.permissionMode;
    },
    get contextWindow() {
      return session.contextWindow;
    },
    get model() {
      return session.model;
    },
    get models() {
      const type = providerType(
        session.provider,
        session.config.providers as Record<string, Record<string, unknown>>,
      );
      return MODELS.filter((m) => m.provider === type).map((m) => m.id);
    },
    setMode(mode) {
      pendingMode = mode;
      applyPendingMode();
    },
    setModel: (model) => session.setModel(model),
    async command(name, arg) {
      const cmd = SLASH_COMMANDS[name];
      if (!cmd) throw new Error(`unknown command /${name}`);
      const lines: string[] = [];
      await cmd.run(arg, {
        session: async () => session,
        print: (line) => lines.push(line),
        style: plainStyle,
        exit() {},
        showThread() {},
      });
      return lines.join("\n");
    },
    close: () => session.close(),
    async prompt(text, signal, onEvent, images, only): Promise<TurnStopReason> {
      if (signal.aborted) return "cancelled";
      setLastFinish(undefined);
      const calls = new Map<string, ToolCall>();
      let stepLimit = false;
      const off = session.on((e) => {
        if (e.type === "agent.error" && e.source === "step_limit") stepLimit = true;
        // A cancel that arrived while the session was still preparing the turn is re-sent.
        if (signal.aborted && e.type === "state.changed") session.cancel();
        const t = translate(e, calls, tools);
        if (t) onEvent(t);
      });
      const onAbort = () => session.cancel();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        const result = await session.send(text, images, only ? { tools: only } : {});
        if (result.reason === "cancelled" || result.reason === "shutdown" || signal.aborted)
          return "cancelled";
        if (result.reason === "error" && stepLimit) return "max_turn_requests";
        if (result.reason === "error") throw new Error(result.error ?? "the turn failed");
        return lastFinish() ?? "end_turn";
      } finally {
        off();
        signal.removeEventListener("abort", onAbort);
        applyPendingMode();
      }
    },
  };
}

function translate(
  e: SessionEvent,
  calls: Map<string, ToolCall>,
  tools: ReadonlyMap<string, Tool>,
): TurnEvent | undefined {
  switch (e.type) {
    case "agent.text_delta":
      return { type: "text", text: e.text };
    case "tool.started": {
      const call: ToolCall = { id: e.callId, name: e.name, input: e.input };
      calls.set(e.callId, call);
      return { type: "tool.started", call, tool: tools.get(e.name) };
    }
    case "tool.progress": {
      // A sub-agent's own calls (the task tool) are tool calls of their own for the editor.
      const sub = subagentEvent(e.progress.data);
      if (!sub) return { type: "tool.progress", callId: e.callId, progress: e.progress };
      const id = `${e.callId}/${sub.callId}`;
      if (sub.type === "tool.started") {
        const call: ToolCall = { id, name: sub.name, input: sub.input };
        calls.set(id, call);
        return { type: "tool.started", call, tool: tools.get(sub.name) };
      }
      const call = calls.get(id) ?? { id, name: sub.name, input: {} };
      calls.delete(id);
      return { type: "tool.completed", call, result: { output: sub.result, isError: sub.isError } };
    }
    case "tool.completed": {
      const call = calls.get(e.callId) ?? { id: e.callId, name: e.name, input: {} };
      return { type: "tool.completed", call, result: { output: e.result, isError: e.isError } };
    }
    case "llm.usage":
      return { type: "usage", usage: e.usage };
    default:
      return undefined;
  }
}

function subagentEvent(data: unknown): SubagentProgress | undefined {
  if (data === null || typeof data !== "object") return undefined;
  const sub = (data as { subagent?: SubagentProgress }).subagent;
  return sub && typeof sub === "object" && typeof sub.callId === "string" ? sub : undefined;
}
