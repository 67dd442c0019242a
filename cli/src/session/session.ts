import { createAgent } from "@loom/runtime/agent";
import type { Agent, TurnResult } from "@loom/runtime/agent/types";
import type { LoomConfig, McpServerConfig } from "@loom/runtime/config/schema";
import { formatError, LoomError } from "@loom/runtime/errors";
import type { HookEventName } from "@loom/runtime/hooks";
import type { ImagePart, LlmClient, Usage } from "@loom/runtime/llm";
import type { Env } from "@loom/runtime/paths";
import type { AskConsent } from "@loom/runtime/plugins/permissions";
import { buildSystemPrompt } from "@loom/runtime/prompt";
import { createNestedInstructions } from "@loom/runtime/prompt/nested-instructions";
import type { SandboxMode, SandboxPolicy } from "@loom/runtime/sandbox/types";
import type { Thread } from "@loom/runtime/thread";
import { type CompactionResult, compactMessages, llmSummarizer } from "@loom/runtime/threads/compact";
import { repairMessages } from "@loom/runtime/threads/repair";
import { createThread, type ThreadStore, threadTitle } from "@loom/runtime/threads/store";
import type { Tool } from "@loom/runtime/tool";
import { type UndoEntry, type UndoResult, undoLatest } from "@loom/runtime/undo/snapshots";
import { type CompactNow, compactNow } from "./compact-now.ts";
import { budgetedLlm, budgetFor } from "./context-budget.ts";
import { unknownDisabledTools } from "./disabled-tools.ts";
import type { SessionEvent, SessionListener } from "./events.ts";
import { createKillSwitchGate } from "./kill-switch-gate.ts";
import { createSessionLlm } from "./llm.ts";
import { type SessionMcp, startSessionMcp } from "./mcp.ts";
import { checkModel, providerFor } from "./model-choice.ts";
import { type AskFn, createApprover, type PermissionMode, toolsForMode } from "./permissions.ts";
import { planPermission } from "./plan-mode.ts";
import { type SessionSandboxOptions, sessionSandboxes } from "./sandbox.ts";
import { sessionDiff } from "./session-diff.ts";
import { blockedTurn, createSessionHooks, withStartContext } from "./session-hooks.ts";
import { createSessionLog, logSessionEvent } from "./session-log.ts";
import { gitContext, lastThread, resolveStart } from "./setup.ts";
import { createSessionSync } from "./sync.ts";
import { sessionTaskTool } from "./task-tool.ts";
import { createSessionTelemetry, type Surface } from "./telemetry.ts";
import { loadSessionTools, type SessionTools } from "./tools.ts";
import { createUndoHook } from "./undo-hook.ts";
import { addUsage } from "./usage.ts";

export interface SessionInit {
  /** Default: `process.cwd()`. */
  workspace?: string;
  provider?: string;
  model?: string;
  permissionMode?: PermissionMode;
  /** `--sandbox`: overrides `[sandbox] mode`. */
  sandboxMode?: SandboxMode;
  /** Asks once whether commands may run when no sandbox can be made (auto mode); absent: refused. */
  askUnsandboxed?: SessionSandboxOptions["askUnsandboxed"];
  /** Asks whether a command the sandbox refused may run once outside it; absent: never. */
  askOutside?: SessionSandboxOptions["askOutside"];
  serverUrl?: string;
  /** A thread id (or a unique fragment), or "last" for this workspace's latest thread. */
  resume?: string;
  /** A new thread that never leaves the machine. */
  isPrivate?: boolean;
  env?: Env;
  /** How to ask the user about a mutating tool; absent means nobody can be asked. */
  ask?: AskFn;
  /** Model requests per turn (`--max-steps`; 0 = no limit); default `[agent] max_steps`. */
  maxSteps?: number;
  /**
   * Asks whether a turn that made `steps` model requests (the limit) may go on; absent: it stops there.
   * `signal` fires when the turn is cancelled.
   */
  askContinue?: (steps: number, signal: AbortSignal) => Promise<boolean>;
  /** Asks whether a plugin may have a permission its manifest declares but config does not grant. */
  consent?: AskConsent;
  /** Lets a front end replace a tool's implementation (ACP client-backed files and terminals). */
  wrapTool?: (tool: Tool) => Tool;
  /** Where plugin warnings go (a plugin that could not be loaded); default: a line on stderr. */
  onWarning?: (warning: string) => void;
  /** MCP servers besides `[mcp.servers]` (ACP's `mcpServers`); a name here replaces the config's. */
  mcpServers?: Record<string, McpServerConfig>;
  /** Which front end runs the session, for the product events sent to the team server. */
  surface?: Surface;
}

/** Replaceable pieces, for tests and for front ends that bring their own. */
export interface SessionDeps {
  loadTools?: (
    config: LoomConfig,
    workspace: string,
    consent?: AskConsent,
    onLog?: (plugin: string, message: string) => void,
    onWarning?: (warning: string) => void,
  ) => Promise<SessionTools>;
  createLlm?: (
    config: LoomConfig,
    provider: string,
    env: Env,
    notice?: (message: string) => void,
    workspace?: string,
  ) => Promise<LlmClient>;
}

export interface Session {
  readonly workspace: string;
  readonly config: LoomConfig;
  readonly store: ThreadStore;
  readonly thread: Thread;
  readonly provider: string;
  readonly model: string;
  readonly permissionMode: PermissionMode;
  /** The model's context window (catalogue; 128k when unknown). */
  readonly contextWindow: number;
  readonly busy: boolean;
  on(listener: SessionListener): () => void;
  /**
   * Runs one user turn to its end. Rejects with CONFLICT while another turn runs. `tools` limits
   * the turn to those tools (a custom command's `allowed-tools`).
   */
  send(text: string, images?: ImagePart[], options?: { tools?: readonly string[] }): Promise<TurnResult>;
  /** Cancels the running turn, if any; the session stays usable. */
  cancel(): void;
  /** Starts a fresh thread in the same workspace. */
  newThread(options?: { isPrivate?: boolean }): Thread;
  /** Continues another thread (id, fragment, or "last"). */
  switchThread(idOrLast: string): Thread;
  setModel(model: string): Promise<void>;
  setPermissionMode(mode: PermissionMode): void;
  /** Plan mode (plan-mode.ts): mutating calls are refused until it is turned off. */
  readonly planning: boolean;
  setPlanning(on: boolean): void;
  /** The system prompt the model gets (instructions and start hooks included). */
  readonly system: string;
  /** The tools the model is offered now. */
  tools(): readonly Tool[];
  /** Tools the user allowed "always" in this session. */
  readonly alwaysAllowed: ReadonlySet<string>;
  readonly sandboxPolicy: SandboxPolicy;
  readonly hookCounts: Readonly<Record<HookEventName, number>>;
  /** `/compact`: replaces the conversation by a model-written summary (focused on `focus`). */
  compact(focus?: string): Promise<CompactNow | undefined>;
  /** What the agent changed in this thread, turn by turn, as a unified diff ("" when nothing). */
  diff(): string;
  undo(options?: { force?: boolean }): UndoResult;
  undoList(): UndoEntry[];
  /** Tokens and cost of this thread so far. */
  /** `costPartial`: some usage had no known price, so `costUsd` is a lower bound. */
  cost(): { usage: Usage; costUsd?: number; costPartial?: boolean };
  save(): void;
  close(): Promise<void>;
}

export async function createSession(init: SessionInit = {}, deps: SessionDeps = {}): Promise<Session> {
  const env = init.env ?? process.env;
  const { data, store, workspace, resumed, config, repo, modelFromThread, providerPlugins, ...chosen } =
    resolveStart(init, env);
  const models = {
    providers: config.providers as Record<string, Record<string, unknown>>,
    viaServer: config.server.url !== undefined,
    plugins: providerPlugins,
  };
  // A model the catalogue lacks is said once, with the start-up notices: its cost is not counted.
  const modelNotice = modelFromThread ? undefined : await checkModel(chosen, models);
  let provider = chosen.provider;
  let model = chosen.model;
  let mode: PermissionMode = config.agent.permission_mode;
  let planning = false;

  // A provider's own warnings (a deprecated model) reach the user as session notices, once each.
  // Before a front end listens, notices wait with the start-up ones.
  const notice = (message: string): void => {
    const e: SessionEvent = { type: "session.notice", level: "warn", message };
    if (listeners.size === 0) {
      startNotices.push(e);
      logSessionEvent(log, e);
    } else emit(e);
  };
  const makeLlm = (p: string) => (deps.createLlm ?? createSessionLlm)(config, p, env, notice, workspace);
  let llm = await makeLlm(provider);
  // The first request will need the provider SDK and a connection: start both now, so they
  // overlap tools, thread and prompt set-up instead of following them.
  llm.warm?.();
  const log = createSessionLog(config, env, { workspace });
  // Team mode: the server's kill switches for tools and models, followed from now on. Their notices
  // wait until the session can emit (below).
  const gateNotices: string[] = [];
  let gateNotice = (message: string): void => {
    gateNotices.push(message);
  };
  const gate = createKillSwitchGate(config, env, {
    notice: (message) => gateNotice(message),
    log: (message) => log.info("flags.stream", { message }),
  });
  const sandboxFor = sessionSandboxes({
    config,
    env,
    notice,
    ...(init.askUnsandboxed ? { askUnsandboxed: init.askUnsandboxed } : {}),
    ...(init.askOutside ? { askOutside: init.askOutside } : {}),
  });
  const loaded = await (deps.loadTools ?? loadSessionTools)(
    config,
    workspace,
    init.consent,
    (plugin, message) => log.info("plugin.log", { plugin, message }),
    init.onWarning,
  );
  const offered = (tools: readonly Tool[]): Tool[] =>
    tools
      .filter((t) => !config.tools.disabled.includes(t.name))
      .map((t) => (init.wrapTool ? init.wrapTool(t) : t))
      .map((t) => (gate ? gate.wrapTool(t) : t));
  let turnOnly: readonly string[] | undefined;
  const task = sessionTaskTool({
    config,
    llm: () => (gate ? gate.wrapLlm(llm) : llm),
    model: () => model,
    system: () => system,
    // A custom command's allowed-tools hold for its sub-agents too.
    tools: () => agentTools().filter((t) => !turnOnly || turnOnly.includes(t.name)),
    hooks: () => hooks.agentHooks,
    onUsage: (u, m) => {
      thread.usage = addUsage(thread.usage, m, u);
    },
  });
  const ownTools = offered([...loaded.tools, task]);
  let allTools = ownTools;
  let toolMap = new Map(allTools.map((t) => [t.name, t]));
  const nested = createNestedInstructions(workspace);
  const agentTools = (): Tool[] =>
    undo.wrap(nested.wrap(toolsForMode(allTools, mode, init.ask !== undefined)));
  // Held for the first listener: front ends attach only after the session is built.
  let startNotices = [
    ...(modelNotice ? [modelNotice] : []),
    ...unknownDisabledTools(config.tools.disabled, [...loaded.tools, task]),
  ].map((message): SessionEvent => ({ type: "session.notice", level: "warn", message }));
  const hooks = createSessionHooks({
    config: config.hooks,
    workspace,
    env,
    threadId: () => thread.id,
    permissionMode: () => mode,
    warn: (message) => notice(message),
  });
  const listeners = new Set<SessionListener>();
  const telemetry = createSessionTelemetry(config, env, init.surface ?? "other");
  const emit = (e: SessionEvent): void => {
    try {
      logSessionEvent(log, e);
      telemetry?.observe(e, provider);
    } catch {
      // Logging and product events must never break the turn.
    }
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // A rendering bug must not break the turn.
      }
    }
  };

  for (const e of startNotices) logSessionEvent(log, e);
  gateNotice = notice;
  for (const m of gateNotices.splice(0)) notice(m);

  const sync = await createSessionSync(config, env, store, emit, (from, to) => {
    if (thread.id === from) thread.id = to;
  });
  let thread =
    resumed ??
    createThread({ workspace, isPrivate: init.isPrivate ?? false, provider, model, git: gitContext(repo) });
  log.info("session.started", { threadId: thread.id, provider, model, resumed: resumed !== undefined });
  telemetry?.started({ provider, model, resumed: resumed !== undefined });
  const system = await withStartContext(
    hooks,
    buildSystemPrompt({ workspace, gitRoot: repo?.root, gitBranch: repo?.branch }),
    resumed ? "resume" : "startup",
  );
  const approver = createApprover(
    () => mode,
    () => toolMap,
    init.ask,
  );
  const undo = createUndoHook({
    workspace,
    dataDir: data,
    threadId: () => thread.id,
    enabled: config.git.snapshots,
    autoCommit: config.git.auto_commit,
    emit,
    repo,
  });

  let agent: Agent;
  let mcp: SessionMcp | undefined;
  let unsubscribe = (): void => {};
  let busy = false;
  let cancelRequested = false;
  const budget = () => budgetFor(model, allTools, system.length);
  // Within a turn, requests that outgrow the window are trimmed on the way out (told once per turn).
  let toldThisTurn = false;
  const agentLlm = (): LlmClient =>
    budgetedLlm(gate ? gate.wrapLlm(llm) : llm, budget, (r) => {
      if (toldThisTurn) return;
      toldThisTurn = true;
      emit(compactedEvent(r));
    });
  const makeAgent = (): void => {
    unsubscribe();
    agent = createAgent({
      llm: agentLlm(),
      model,
      system,
      tools: agentTools(),
      awaitTool: async (name, signal) => mcp?.waitForTool(name, signal),
      maxRetries: config.agent.max_retries,
      maxSteps: config.agent.max_steps,
      ...(init.askContinue
        ? { continueAtStepLimit: ({ steps, signal }) => init.askContinue!(steps, signal) }
        : {}),
      toolTimeoutMs: config.agent.tool_timeout_ms,
      permission: planPermission(
        () => planning,
        (call) => approver.check(call),
      ),
      workspaceRoot: workspace,
      sandbox: sandboxFor(mode, init.ask !== undefined),
      oracle: { llm, model: config.agent.oracle_model ?? model },
      messages: repairMessages(thread.messages),
      hooks: { postTools: () => undo.postTools(), ...hooks.agentHooks },
    });
    unsubscribe = agent.on((e) => {
      // Mid-turn checkpoint: after each round of tools, before asking the model (or the user, at the
      // step limit) again.
      const checkpoint = e.type === "state.changed" && (e.to === "CallingLlm" || e.to === "AskingToContinue");
      if (checkpoint && e.from !== "WaitingForUserInput" && busy) {
        thread.messages = [...agent.messages];
        try {
          save();
        } catch (err) {
          emit({ type: "session.notice", level: "warn", message: `thread not saved: ${formatError(err)}` });
        }
      }
      emit(e);
    });
  };
  makeAgent();
  // MCP tools join when their server is ready; a name a built-in already has stays the built-in's.
  mcp = startSessionMcp({
    servers: { ...config.mcp.servers, ...init.mcpServers },
    workspace,
    env,
    onChange: (tools) => {
      allTools = [...ownTools, ...offered(tools).filter((t) => !ownTools.some((o) => o.name === t.name))];
      toolMap = new Map(allTools.map((t) => [t.name, t]));
      agent.setTools(agentTools());
    },
    onWarning: (message) => notice(message),
  });

  const contextWindow = (): number => budget().contextWindow;

  /** The thread as last written (JSON, less `updatedAt`): a save that would change nothing is skipped. */
  let savedAs: string | undefined;
  const save = (): void => {
    const content = JSON.stringify({ ...thread, updatedAt: "" });
    if (content === savedAs) return;
    thread.updatedAt = new Date().toISOString();
    store.save(thread);
    savedAs = content;
    emit({ type: "thread.saved", threadId: thread.id });
    sync?.push(thread);
  };

  const compactedEvent = (r: CompactionResult): SessionEvent => {
    const event: SessionEvent = {
      type: "context.compacted",
      stage: r.stage === "pruned" ? "pruned" : "summarized",
      beforeTokens: r.beforeTokens,
      afterTokens: r.afterTokens,
    };
    if (r.summarySource) event.summarySource = r.summarySource;
    return event;
  };

  /** Between turns: compact the thread itself (model-written summary) and persist it. */
  const compactIfNeeded = async (): Promise<void> => {
    const r = await compactMessages([...agent.messages], {
      ...budget(),
      summarize: llmSummarizer(llm, model),
    });
    if (r.stage === "none") return;
    thread.messages = r.messages;
    makeAgent();
    emit(compactedEvent(r));
  };

  const session: Session = {
    workspace,
    config,
    store,
    get thread() {
      return thread;
    },
    get provider() {
      return provider;
    },
    get model() {
      return model;
    },
    get permissionMode() {
      return mode;
    },
    get contextWindow() {
      return contextWindow();
    },
    get busy() {
      return busy;
    },
    on(listener) {
      listeners.add(listener);
      const held = startNotices;
      startNotices = [];
      for (const e of held) listener(e);
      return () => listeners.delete(listener);
    },
    async send(text, images, options = {}) {
      if (busy) throw new LoomError("CONFLICT", "a turn is already running; cancel it first");
      busy = true;
      cancelRequested = false;
      const only = options.tools;
      turnOnly = only;
      try {
        const prompt = await hooks.beforePrompt(text);
        if ("blocked" in prompt) return blockedTurn(prompt.blocked, emit);
        text = prompt.text;
        toldThisTurn = false;
        await compactIfNeeded();
        undo.beginTurn(text);
        if (only) agent.setTools(agentTools().filter((t) => only.includes(t.name)));
        const turnStart = agent.messages.length;
        const pending = agent.send(text, images);
        // A cancel that came while the turn was being prepared (compaction) applies now.
        if (cancelRequested) agent.cancel();
        thread.messages = [...agent.messages];
        thread.title ??= threadTitle(thread);
        try {
          save();
        } catch (e) {
          // A turn that cannot be saved must not go on changing files unseen: stop it first.
          agent.cancel();
          await pending.catch(() => undefined);
          throw e;
        }
        const result = await pending;
        // The turn's own tokens and cost go on its last assistant message (shown per turn by the web UI).
        const reply = agent.messages.findLast((m, i) => i >= turnStart && m.role === "assistant");
        if (reply?.role === "assistant") reply.usage = addUsage(undefined, model, result.usage);
        thread.messages = [...agent.messages];
        thread.provider = provider;
        thread.model = model;
        thread.agentState = { state: agent.state.type, lastTurn: result.reason };
        thread.usage = addUsage(thread.usage, model, result.usage);
        undo.endTurn(text);
        save();
        await hooks.afterTurn(result);
        return result;
      } finally {
        if (only) agent.setTools(agentTools());
        turnOnly = undefined;
        busy = false;
      }
    },
    cancel() {
      if (!busy) return;
      cancelRequested = true;
      agent.cancel();
    },
    newThread(o = {}) {
      if (busy) throw new LoomError("CONFLICT", "a turn is running; cancel it first");
      thread = createThread({
        workspace,
        isPrivate: o.isPrivate ?? thread.isPrivate,
        provider,
        model,
        git: gitContext(repo),
      });
      nested.reset();
      makeAgent();
      return thread;
    },
    switchThread(idOrLast) {
      if (busy) throw new LoomError("CONFLICT", "a turn is running; cancel it first");
      thread = idOrLast === "last" ? lastThread(store, workspace) : store.resolve(idOrLast);
      nested.reset();
      makeAgent();
      return thread;
    },
    async setModel(next) {
      if (busy) throw new LoomError("CONFLICT", "a turn is running; cancel it first");
      const nextProvider = providerFor(next, provider, models.providers, models.plugins);
      const uncounted = await checkModel({ provider: nextProvider, model: next }, models);
      if (nextProvider !== provider) llm = await makeLlm(nextProvider);
      provider = nextProvider;
      model = next;
      makeAgent();
      if (uncounted) notice(uncounted);
    },
    setPermissionMode(next) {
      if (busy) throw new LoomError("CONFLICT", "a turn is running; cancel it first");
      mode = next;
      makeAgent();
    },
    get planning() {
      return planning;
    },
    setPlanning(on) {
      if (busy) throw new LoomError("CONFLICT", "a turn is running; cancel it first");
      planning = on;
    },
    get system() {
      return system;
    },
    tools: () => agentTools(),
    alwaysAllowed: approver.always,
    get sandboxPolicy() {
      return sandboxFor(mode, init.ask !== undefined).policy;
    },
    hookCounts: hooks.runner.counts,
    async compact(focus) {
      if (busy) throw new LoomError("CONFLICT", "a turn is running; cancel it first");
      busy = true;
      try {
        const r = await compactNow(agent.messages, {
          llm,
          model,
          systemChars: system.length,
          ...(focus ? { focus } : {}),
        });
        if (!r) return undefined;
        thread.messages = r.messages;
        makeAgent();
        // Logged, not emitted: the command that asked reports it.
        logSessionEvent(log, {
          type: "context.compacted",
          stage: "summarized",
          beforeTokens: r.beforeTokens,
          afterTokens: r.afterTokens,
          summarySource: r.summarySource,
        });
        save();
        return r;
      } finally {
        busy = false;
      }
    },
    diff() {
      return sessionDiff(undo.current().target, undo.current().list());
    },
    undo(o = {}) {
      if (busy) throw new LoomError("CONFLICT", "a turn is running; cancel it first");
      return undoLatest(undo.current().target, thread.id, o);
    },
    undoList() {
      return undo.current().list();
    },
    cost() {
      const u = thread.usage ?? { inputTokens: 0, outputTokens: 0 };
      const out: { usage: Usage; costUsd?: number; costPartial?: boolean } = {
        usage: { inputTokens: u.inputTokens, outputTokens: u.outputTokens },
      };
      if (u.estimated) out.usage.estimated = true;
      if (u.costUsd !== undefined) out.costUsd = u.costUsd;
      if (u.costPartial) out.costPartial = true;
      return out;
    },
    save() {
      if (thread.messages.length > 0 || store.get(thread.id)) save();
    },
    async close() {
      if (busy) agent.cancel();
      await agent.shutdown();
      try {
        session.save();
        await Promise.all([sync?.flush(), telemetry?.flush(2000)]);
      } finally {
        // Released even when the last save fails: a plugin host left running keeps the process alive.
        sync?.close();
        gate?.close();
        telemetry?.close();
        loaded.close();
        await mcp?.close().catch(() => undefined);
        log.info("session.closed", { threadId: thread.id });
        log.close();
      }
    },
  };
  // Switches already on apply from the first turn (bounded wait: a slow server does not hold the start).
  await gate?.ready();
  return session;
}
