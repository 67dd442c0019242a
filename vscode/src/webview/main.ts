/**
 * The chat webview (runs in the browser sandbox): renders the host's `ChatState` and turns clicks
 * and keys into `ViewToHost` messages. All behaviour lives in the host's ChatController.
 */
import type { ChatItem, ChatState, ToolContent } from "../chat-model.ts";
import { diffLines } from "../diff-lines.ts";
import { segments } from "../markdown-lite.ts";
import type { HostToView, ViewToHost } from "../view-protocol.ts";

declare function acquireVsCodeApi(): { postMessage(m: ViewToHost): void };

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLDivElement>("log");
const input = $<HTMLTextAreaElement>("input");
const sessions = $<HTMLSelectElement>("sessions");
const mode = $<HTMLSelectElement>("mode");
const status = $<HTMLDivElement>("status");
const send = $<HTMLButtonElement>("send");
const cancel = $<HTMLButtonElement>("cancel");

function el(tag: string, cls?: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderText(cls: string, text: string): HTMLElement {
  const box = el("div", cls);
  for (const seg of segments(text)) {
    if (seg.kind === "text") box.append(document.createTextNode(seg.text));
    else if (seg.kind === "code") box.append(el("code", undefined, seg.text));
    else box.append(el("pre", "block", seg.text));
  }
  return box;
}

function fileLink(path: string): HTMLElement {
  const link = el("a", undefined, path);
  link.onclick = () => vscode.postMessage({ type: "openFile", path });
  return link;
}

function renderContent(c: ToolContent): HTMLElement {
  switch (c.type) {
    case "text":
      return el("pre", undefined, c.text);
    case "terminal":
      return el("pre", undefined, `[terminal ${c.terminalId}]`);
    case "diff": {
      const box = el("div", "diff");
      box.append(fileLink(c.path));
      for (const l of diffLines(c.oldText, c.newText)) {
        box.append(el("div", l.op === "-" ? "del" : l.op === "+" ? "add" : "", `${l.op} ${l.text}`));
      }
      return box;
    }
  }
}

const STATUS_ICON: Record<string, string> = { pending: "…", in_progress: "⟳", completed: "✓", failed: "✗" };
const PLAN_ICON: Record<string, string> = { pending: "☐", in_progress: "⟳", completed: "☑" };

function renderItem(it: ChatItem): HTMLElement {
  switch (it.kind) {
    case "agent":
      return renderText("item agent", it.text);
    case "user":
    case "thought":
      return el("div", `item ${it.kind}`, it.text);
    case "notice":
      return el("div", `item notice ${it.severity}`, it.text);
    case "plan": {
      const box = el("div", "item plan");
      for (const e of it.entries)
        box.append(el("div", `step ${e.status}`, `${PLAN_ICON[e.status] ?? "☐"} ${e.content}`));
      return box;
    }
    case "tool": {
      const box = el("details", "item tool");
      const sum = el("summary", undefined, `${STATUS_ICON[it.status] ?? ""} ${it.title}`);
      sum.append(el("span", "st", `${it.toolKind} · ${it.status}`));
      box.append(sum);
      if (it.locations.length > 0) {
        const locs = el("div", "locs");
        for (const p of it.locations) locs.append(fileLink(p), document.createTextNode(" "));
        box.append(locs);
      }
      for (const c of it.content) box.append(renderContent(c));
      if (it.status === "failed" || it.content.some((c) => c.type === "diff"))
        (box as HTMLDetailsElement).open = true;
      return box;
    }
    case "permission": {
      const box = el("div", "item permission", `Allow ${it.title}?`);
      const row = el("div");
      for (const o of it.options) {
        const b = el("button", o.kind.startsWith("reject") ? "secondary" : "", o.name) as HTMLButtonElement;
        b.disabled = it.answer !== undefined;
        b.onclick = () =>
          vscode.postMessage({ type: "permission", requestId: it.requestId, optionId: o.optionId });
        row.append(b);
      }
      if (it.answer !== undefined) row.append(el("span", "st", ` → ${it.answer}`));
      box.append(row);
      return box;
    }
  }
}

function fillSelect(
  sel: HTMLSelectElement,
  options: { value: string; label: string }[],
  current?: string,
): void {
  sel.replaceChildren(
    ...options.map((o) => {
      const opt = el("option", undefined, o.label) as HTMLOptionElement;
      opt.value = o.value;
      opt.selected = o.value === current;
      return opt;
    }),
  );
}

function render(s: ChatState): void {
  const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
  log.replaceChildren(...s.items.map(renderItem));
  const current = s.sessionId;
  const list = s.sessions.map((x) => ({ value: x.id, label: x.title }));
  if (current && !list.some((x) => x.value === current))
    list.unshift({ value: current, label: "(current session)" });
  if (!current) list.unshift({ value: "", label: "(new session)" });
  fillSelect(sessions, list, current ?? "");
  fillSelect(
    mode,
    s.modes.map((m) => ({ value: m.id, label: m.name })),
    s.mode,
  );
  const usage = s.usage ? ` · context ${Math.round((100 * s.usage.used) / Math.max(1, s.usage.size))}%` : "";
  status.textContent = `Agent: ${s.agent.status}${s.agent.detail ? ` (${s.agent.detail})` : ""}${s.busy ? " · working…" : ""}${usage}`;
  send.disabled = s.busy || s.agent.status !== "ready";
  cancel.disabled = !s.busy;
  if (atBottom) window.scrollTo(0, document.body.scrollHeight);
}

function submit(): void {
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  vscode.postMessage({ type: "prompt", text });
}

send.onclick = submit;
cancel.onclick = () => vscode.postMessage({ type: "cancel" });
$<HTMLButtonElement>("new").onclick = () => vscode.postMessage({ type: "newSession" });
sessions.onchange = () => {
  if (sessions.value) vscode.postMessage({ type: "loadSession", sessionId: sessions.value });
};
sessions.onfocus = () => vscode.postMessage({ type: "refreshSessions" });
mode.onchange = () => vscode.postMessage({ type: "setMode", modeId: mode.value });
input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault();
    submit();
  }
});
window.addEventListener("message", (e: MessageEvent<HostToView>) => {
  if (e.data?.type === "state") render(e.data.state);
});
vscode.postMessage({ type: "ready" });
