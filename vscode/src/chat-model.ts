/**
 * What the chat view shows, as plain data, and how ACP session updates change it. Shared by the
 * extension host (which owns the state) and the webview (which renders it).
 */
import type * as acp from "@agentclientprotocol/sdk";

export type ToolContent =
  | { type: "text"; text: string }
  | { type: "diff"; path: string; oldText: string | null; newText: string }
  | { type: "terminal"; terminalId: string };

export interface ToolItem {
  kind: "tool";
  id: string;
  title: string;
  toolKind: string;
  status: acp.ToolCallStatus;
  content: ToolContent[];
  locations: string[];
}

export interface PermissionItem {
  kind: "permission";
  requestId: number;
  toolCallId: string;
  title: string;
  options: { optionId: string; name: string; kind: acp.PermissionOptionKind }[];
  /** The chosen option id, or "cancelled"; absent while the question is open. */
  answer?: string;
}

export type ChatItem =
  | { kind: "user"; text: string }
  | { kind: "agent"; text: string }
  | { kind: "thought"; text: string }
  | { kind: "notice"; severity: "info" | "warning" | "error"; text: string }
  | { kind: "plan"; entries: { content: string; status: string }[] }
  | ToolItem
  | PermissionItem;

export type AgentStatus = "starting" | "ready" | "restarting" | "stopped";

export interface ChatState {
  agent: { status: AgentStatus; detail: string };
  sessionId: string | undefined;
  items: ChatItem[];
  busy: boolean;
  mode: string | undefined;
  modes: { id: string; name: string }[];
  usage: { used: number; size: number } | undefined;
  sessions: { id: string; title: string; updatedAt: string }[];
}

export function emptyChat(): ChatState {
  return {
    agent: { status: "starting", detail: "" },
    sessionId: undefined,
    items: [],
    busy: false,
    mode: undefined,
    modes: [],
    usage: undefined,
    sessions: [],
  };
}

function blockText(b: acp.ContentBlock): string {
  switch (b.type) {
    case "text":
      return b.text;
    case "resource_link":
      return `@${b.name}`;
    case "resource":
      return "text" in b.resource ? `\n\`\`\`\n${b.resource.text}\n\`\`\`\n` : `@${b.resource.uri}`;
    default:
      return `[${b.type}]`;
  }
}

function appendText(s: ChatState, kind: "user" | "agent" | "thought", text: string): void {
  const last = s.items[s.items.length - 1];
  if (last && last.kind === kind) last.text += text;
  else s.items.push({ kind, text });
}

function toolContent(c: acp.ToolCallContent): ToolContent {
  switch (c.type) {
    case "content":
      return { type: "text", text: blockText(c.content) };
    case "diff":
      return { type: "diff", path: c.path, oldText: c.oldText ?? null, newText: c.newText };
    case "terminal":
      return { type: "terminal", terminalId: c.terminalId };
  }
}

export function findTool(s: ChatState, id: string): ToolItem | undefined {
  for (let i = s.items.length - 1; i >= 0; i--) {
    const it = s.items[i];
    if (it?.kind === "tool" && it.id === id) return it;
  }
  return undefined;
}

/** Applies one `session/update` to the state (in place). */
export function applyUpdate(s: ChatState, u: acp.SessionUpdate): void {
  switch (u.sessionUpdate) {
    case "user_message_chunk":
      appendText(s, "user", blockText(u.content));
      break;
    case "agent_message_chunk":
      appendText(s, "agent", blockText(u.content));
      break;
    case "agent_thought_chunk":
      appendText(s, "thought", blockText(u.content));
      break;
    case "tool_call":
      s.items.push({
        kind: "tool",
        id: u.toolCallId,
        title: u.title,
        toolKind: u.kind ?? "other",
        status: u.status ?? "pending",
        content: (u.content ?? []).map(toolContent),
        locations: (u.locations ?? []).map((l) => l.path),
      });
      break;
    case "tool_call_update": {
      const t = findTool(s, u.toolCallId);
      if (!t) break;
      if (u.status) t.status = u.status;
      if (u.title) t.title = u.title;
      if (u.kind) t.toolKind = u.kind;
      if (u.content) t.content = u.content.map(toolContent);
      if (u.locations) t.locations = u.locations.map((l) => l.path);
      break;
    }
    case "plan":
      s.items = s.items.filter((it) => it.kind !== "plan");
      s.items.push({
        kind: "plan",
        entries: u.entries.map((e) => ({ content: e.content, status: e.status })),
      });
      break;
    case "current_mode_update":
      s.mode = u.currentModeId;
      break;
    case "usage_update":
      s.usage = { used: u.used, size: u.size };
      break;
    case "notice":
      s.items.push({ kind: "notice", severity: noticeSeverity(u.severity), text: u.title });
      break;
    default:
      break;
  }
}

function noticeSeverity(s: string): "info" | "warning" | "error" {
  return s === "warning" || s === "error" ? s : "info";
}

/** A line for the end of a turn that did not simply end. */
export function stopNotice(reason: acp.StopReason): ChatItem | undefined {
  switch (reason) {
    case "end_turn":
      return undefined;
    case "cancelled":
      return { kind: "notice", severity: "info", text: "Cancelled." };
    case "max_tokens":
      return { kind: "notice", severity: "warning", text: "Stopped: the reply reached the token limit." };
    case "max_turn_requests":
      return { kind: "notice", severity: "warning", text: "Stopped: too many model requests in one turn." };
    case "refusal":
      return { kind: "notice", severity: "warning", text: "The model refused to continue." };
  }
}
