/**
 * The chat's behaviour, between the webview and the ACP client: owns the `ChatState`, sends
 * prompts, answers permission questions with the user's choice, switches and resumes sessions
 * (per workspace), and survives agent restarts by reloading the current session.
 */
import type * as acp from "@agentclientprotocol/sdk";
import type { ClientCallbacks, LoomAcpClient } from "./acp-client.ts";
import { type AgentStatus, applyUpdate, type ChatState, emptyChat, stopNotice } from "./chat-model.ts";
import type { HostToView, ViewToHost } from "./view-protocol.ts";

export const LAST_SESSION_KEY = "loom.lastSession";

export interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void> | void;
}

export interface ControllerDeps {
  cwd: string;
  post(message: HostToView): void;
  memento: Memento;
  log(line: string): void;
  openFile?(path: string): void;
  /** How a render is deferred (coalesces bursts of chunks); tests run it at once. */
  schedule?(fn: () => void): void;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ChatController {
  readonly state: ChatState = emptyChat();
  private client: LoomAcpClient | undefined;
  private readonly pending = new Map<number, (outcome: acp.RequestPermissionOutcome) => void>();
  private nextRequestId = 1;
  private renderQueued = false;

  constructor(private readonly d: ControllerDeps) {}

  /** Callbacks for `LoomAcpClient.connect` (file access is added by the VS Code edge). */
  callbacks(): ClientCallbacks {
    return {
      onUpdate: (n) => {
        if (n.sessionId !== this.state.sessionId) return;
        applyUpdate(this.state, n.update);
        this.render();
      },
      requestPermission: (req, signal) => this.askPermission(req, signal),
    };
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** A fresh agent connection: list sessions, then resume the current (or last) session. */
  async attach(client: LoomAcpClient): Promise<void> {
    this.client = client;
    this.setStatus("ready", "");
    await this.refreshSessions();
    const resume = this.state.sessionId ?? this.d.memento.get<string>(LAST_SESSION_KEY);
    if (resume) {
      try {
        await this.loadSession(resume);
      } catch (e) {
        this.d.log(`could not resume session ${resume}: ${errText(e)}`);
        this.state.sessionId = undefined;
        await this.d.memento.update(LAST_SESSION_KEY, undefined);
      }
    }
    this.render();
  }

  /** The agent went away (crash, restart, stop). */
  detach(status: AgentStatus, detail: string): void {
    this.client = undefined;
    for (const resolve of this.pending.values()) resolve({ outcome: "cancelled" });
    this.pending.clear();
    this.state.busy = false;
    this.setStatus(status, detail);
  }

  setStatus(status: AgentStatus, detail: string): void {
    this.state.agent = { status, detail };
    this.render();
  }

  async handle(m: ViewToHost): Promise<void> {
    try {
      switch (m.type) {
        case "ready":
          this.flush();
          break;
        case "prompt":
          if (m.text.trim()) await this.prompt([{ type: "text", text: m.text }]);
          break;
        case "cancel":
          await this.cancel();
          break;
        case "permission":
          this.answer(m.requestId, m.optionId);
          break;
        case "newSession":
          await this.newSession();
          break;
        case "loadSession":
          await this.loadSession(m.sessionId);
          break;
        case "setMode":
          await this.setMode(m.modeId);
          break;
        case "refreshSessions":
          await this.refreshSessions();
          break;
        case "openFile":
          this.d.openFile?.(m.path);
          break;
        default: {
          const never: never = m;
          this.d.log(`unknown view message ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      this.state.items.push({ kind: "notice", severity: "error", text: errText(e) });
      this.render();
    }
  }

  private need(): LoomAcpClient {
    if (!this.client) throw new Error("The Loom agent is not running (see Loom: Show Logs).");
    return this.client;
  }

  async newSession(): Promise<string> {
    const client = this.need();
    if (this.state.busy) await this.cancel();
    const res = await client.newSession(this.d.cwd);
    this.resetTo(res.sessionId, res.modes);
    await this.d.memento.update(LAST_SESSION_KEY, res.sessionId);
    await this.refreshSessions();
    return res.sessionId;
  }

  async loadSession(sessionId: string): Promise<void> {
    const client = this.need();
    this.resetTo(sessionId, undefined);
    const res = await client.loadSession(sessionId, this.d.cwd);
    if (res.modes) this.setModes(res.modes);
    await this.d.memento.update(LAST_SESSION_KEY, sessionId);
    this.render();
  }

  async refreshSessions(): Promise<void> {
    if (!this.client) return;
    const list = await this.client.listSessions(this.d.cwd);
    this.state.sessions = list.map((s) => ({
      id: s.sessionId,
      title: s.title || "(untitled)",
      updatedAt: s.updatedAt ?? "",
    }));
    this.render();
  }

  /** Sends a prompt in the current session (a new one if there is none); resolves when the turn ends. */
  async prompt(blocks: acp.ContentBlock[]): Promise<acp.StopReason | undefined> {
    const client = this.need();
    if (this.state.busy) throw new Error("A turn is already running; cancel it first.");
    const sessionId = this.state.sessionId ?? (await this.newSession());
    this.state.busy = true;
    for (const b of blocks) applyUpdate(this.state, { sessionUpdate: "user_message_chunk", content: b });
    this.state.items.push({ kind: "agent", text: "" });
    this.render();
    try {
      const res = await client.prompt(sessionId, blocks);
      const notice = stopNotice(res.stopReason);
      if (notice) this.state.items.push(notice);
      return res.stopReason;
    } finally {
      this.state.busy = false;
      this.state.items = this.state.items.filter((it) => it.kind !== "agent" || it.text !== "");
      this.render();
      await this.refreshSessions().catch((e) => this.d.log(`could not list sessions: ${errText(e)}`));
    }
  }

  async cancel(): Promise<void> {
    for (const resolve of this.pending.values()) resolve({ outcome: "cancelled" });
    this.pending.clear();
    if (this.client && this.state.sessionId && this.state.busy)
      await this.client.cancel(this.state.sessionId);
  }

  async setMode(modeId: string): Promise<void> {
    const sessionId = this.state.sessionId ?? (await this.newSession());
    await this.need().setMode(sessionId, modeId);
    this.state.mode = modeId;
    this.render();
  }

  private askPermission(
    req: acp.RequestPermissionRequest,
    signal: AbortSignal,
  ): Promise<acp.RequestPermissionOutcome> {
    const requestId = this.nextRequestId++;
    const item = {
      kind: "permission" as const,
      requestId,
      toolCallId: req.toolCall.toolCallId,
      title: req.toolCall.title ?? req.toolCall.toolCallId,
      options: req.options.map((o) => ({ optionId: o.optionId, name: o.name, kind: o.kind })),
    };
    this.state.items.push(item);
    this.render();
    return new Promise((resolve) => {
      const done = (outcome: acp.RequestPermissionOutcome) => {
        this.pending.delete(requestId);
        (item as { answer?: string }).answer =
          outcome.outcome === "selected" ? outcome.optionId : "cancelled";
        this.render();
        resolve(outcome);
      };
      this.pending.set(requestId, done);
      signal.addEventListener("abort", () => done({ outcome: "cancelled" }), { once: true });
    });
  }

  private answer(requestId: number, optionId: string): void {
    this.pending.get(requestId)?.({ outcome: "selected", optionId });
  }

  private resetTo(sessionId: string, modes: acp.SessionModeState | null | undefined): void {
    this.state.sessionId = sessionId;
    this.state.items = [];
    this.state.usage = undefined;
    this.state.busy = false;
    if (modes) this.setModes(modes);
    this.render();
  }

  private setModes(m: acp.SessionModeState): void {
    this.state.mode = m.currentModeId;
    this.state.modes = m.availableModes.map((x) => ({ id: x.id, name: x.name }));
  }

  private render(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    (this.d.schedule ?? ((fn) => setTimeout(fn, 16)))(() => this.flush());
  }

  private flush(): void {
    this.renderQueued = false;
    this.d.post({ type: "state", state: this.state });
  }
}
