/** Test harness for the ACP protocol layer: a scripted in-memory engine and an in-process SDK client. */
import { existsSync, realpathSync } from "node:fs";
import * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import type { Message } from "@loom/runtime/llm";
import type { Tool } from "@loom/runtime/tool";
import type {
  AcpEngine,
  EngineSession,
  PermissionMode,
  SessionHooks,
  TurnEvent,
  TurnStopReason,
} from "./engine.ts";
import { type AcpLog, createAcpAgent } from "./server.ts";

export interface ScriptTurn {
  text: string;
  cwd: string;
  signal: AbortSignal;
  hooks: SessionHooks;
  onEvent: (e: TurnEvent) => void;
}

export interface Stored {
  id: string;
  cwd: string;
  title: string;
  updatedAt: string;
  messages: Message[];
  model?: string;
}

/** An in-memory engine whose turns follow a script; the protocol layer is what is under test. */
export function scriptedEngine(
  script: (turn: ScriptTurn, tools: Record<string, Tool>) => Promise<TurnStopReason>,
) {
  const records = new Map<string, Stored>();
  const modes: PermissionMode[] = [];
  let n = 0;
  const tools: Record<string, Tool> = {
    read_file: {
      name: "read_file",
      description: "read",
      inputSchema: {},
      async invoke() {
        return { output: "from disk" };
      },
    },
    edit_file: {
      name: "edit_file",
      description: "edit",
      inputSchema: {},
      mutating: true,
      async invoke() {
        return { output: "edited on disk" };
      },
    },
  };
  const session = (r: Stored, hooks: SessionHooks): EngineSession => {
    const wrapped = Object.fromEntries(Object.entries(tools).map(([k, t]) => [k, hooks.wrapTool(t)]));
    return {
      id: r.id,
      cwd: r.cwd,
      messages: r.messages,
      get title() {
        return r.messages[0]?.role === "user" ? r.messages[0].content : "";
      },
      updatedAt: r.updatedAt,
      mode: "ask",
      contextWindow: 1000,
      get model() {
        return r.model ?? "model-a";
      },
      models: ["model-a", "model-b"],
      async setModel(model) {
        r.model = model;
      },
      async command(name, arg) {
        return `ran /${name} ${arg}`.trim();
      },
      async prompt(text, signal, onEvent) {
        r.messages.push({ role: "user", content: text });
        return script({ text, cwd: r.cwd, signal, hooks, onEvent }, wrapped);
      },
      setMode(mode) {
        modes.push(mode);
      },
      async close() {},
    };
  };
  const engine: AcpEngine = {
    async newSession(cwd, hooks) {
      const r = {
        id: `S-${++n}`,
        cwd,
        title: "",
        updatedAt: new Date(0).toISOString(),
        messages: [],
        model: "model-a",
      };
      records.set(r.id, r);
      return session(r, hooks);
    },
    async loadSession(id, _cwd, hooks) {
      const r = records.get(id);
      return r && session(r, hooks);
    },
    async deleteSession(id) {
      return records.delete(id);
    },
    async checkCredentials() {},
    async listSessions(cwd) {
      return [...records.values()]
        .filter((r) => !cwd || r.cwd === cwd)
        .map(({ id, cwd, title, updatedAt }) => ({ id, cwd, title, updatedAt }));
    },
  };
  return { engine, records, modes };
}

/** The driver passes tools the canonical workspace root. */
export function canonical(dir: string): string {
  return existsSync(dir) ? realpathSync(dir) : dir;
}

/** Runs the tool like the driver does: announce, approve when mutating, invoke, report. */
export async function runTool(turn: ScriptTurn, tool: Tool, id: string, input: unknown): Promise<string> {
  const call = { id, name: tool.name, input };
  turn.onEvent({ type: "tool.started", call, tool });
  const ok = !tool.mutating || (await turn.hooks.approve(call, tool));
  const result = ok
    ? await tool.invoke(input, { workspaceRoot: canonical(turn.cwd), signal: turn.signal, callId: id })
    : { output: "rejected by the user", isError: true };
  turn.onEvent({ type: "tool.completed", call, result });
  return typeof result.output === "string" ? result.output : JSON.stringify(result.output);
}

export interface Harness {
  updates: acp.SessionUpdate[];
  permissions: acp.RequestPermissionRequest[];
  /** Per permission question: had its tool call been announced (`tool_call`) before it was asked? */
  seenBeforeAsk: boolean[];
  reads: string[];
  writes: { path: string; content: string }[];
  /** Resolves with the first update (seen or still to come) matching `pred`. */
  waitFor(pred: (u: acp.SessionUpdate) => boolean): Promise<acp.SessionUpdate>;
}

export async function withClient<T>(
  engine: AcpEngine,
  opts: { answer?: string; fs?: boolean; files?: Record<string, string>; log?: AcpLog },
  op: (ctx: acp.ClientContext, h: Harness) => Promise<T>,
): Promise<T> {
  const waiters = new Set<() => void>();
  const h: Harness = {
    updates: [],
    permissions: [],
    seenBeforeAsk: [],
    reads: [],
    writes: [],
    waitFor(pred) {
      return new Promise((resolve) => {
        const check = () => {
          const hit = h.updates.find(pred);
          if (hit) {
            waiters.delete(check);
            resolve(hit);
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
  const files = { ...opts.files };
  const client = acp
    .client({ name: "test" })
    .onNotification(methods.client.session.update, ({ params }) => {
      h.updates.push(params.update);
      for (const w of [...waiters]) w();
    })
    .onRequest(methods.client.session.requestPermission, ({ params }) => {
      h.permissions.push(params);
      h.seenBeforeAsk.push(
        h.updates.some((u) => u.sessionUpdate === "tool_call" && u.toolCallId === params.toolCall.toolCallId),
      );
      return { outcome: { outcome: "selected", optionId: opts.answer ?? "allow_once" } };
    })
    .onRequest(methods.client.fs.readTextFile, ({ params }) => {
      h.reads.push(params.path);
      const text = files[params.path];
      if (text === undefined) throw acp.RequestError.resourceNotFound(params.path);
      return { content: text };
    })
    .onRequest(methods.client.fs.writeTextFile, ({ params }) => {
      h.writes.push({ path: params.path, content: params.content });
      files[params.path] = params.content;
      return {};
    });
  return client.connectWith(
    createAcpAgent({ engine, ...(opts.log ? { log: opts.log } : {}) }).app,
    async (ctx) => {
      await ctx.request(methods.agent.initialize, {
        protocolVersion: acp.PROTOCOL_VERSION,
        clientCapabilities: opts.fs ? { fs: { readTextFile: true, writeTextFile: true } } : {},
      });
      return op(ctx, h);
    },
  );
}
