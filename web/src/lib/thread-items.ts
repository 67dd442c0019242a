/**
 * A thread's messages → the rows the thread view draws: user and assistant turns, each tool call
 * paired with its result (by `toolCallId`), and edit calls turned into diff lines.
 */
import type { GetResult } from "../api/client.ts";

export type Thread = GetResult<"/api/threads/{id}">;
export type Message = Thread["messages"][number];
export type TurnUsage = NonNullable<Extract<Message, { role: "assistant" }>["usage"]>;

export interface ToolRow {
  id: string;
  name: string;
  input: unknown;
  output?: string;
  isError?: boolean;
  diff?: DiffLine[];
}

export interface DiffLine {
  kind: "add" | "del" | "ctx" | "file";
  text: string;
}

export type Row =
  | { key: string; role: "user"; content: string; turn: number }
  | {
      key: string;
      role: "assistant";
      content: string;
      turn: number;
      tools: ToolRow[];
      interrupted: boolean;
      /** The turn's tokens and cost, on its last assistant message. */
      usage?: TurnUsage;
    }
  | { key: string; role: "tool"; content: string; turn: number; name: string; isError: boolean };

/** Edit calls (`{ path, edits: [{ old, new }] }`) as removed/added lines; null for anything else. */
export function editDiff(input: unknown): DiffLine[] | undefined {
  if (!input || typeof input !== "object") return undefined;
  const { path, edits } = input as { path?: unknown; edits?: unknown };
  if (typeof path !== "string" || !Array.isArray(edits)) return undefined;
  const lines: DiffLine[] = [{ kind: "file", text: path }];
  for (const e of edits) {
    if (!e || typeof e !== "object") continue;
    const { old: o, new: n } = e as { old?: unknown; new?: unknown };
    if (typeof o === "string" && o !== "")
      for (const l of o.split("\n")) lines.push({ kind: "del", text: l });
    if (typeof n === "string") for (const l of n.split("\n")) lines.push({ kind: "add", text: l });
  }
  return lines;
}

/** Unified diff text (a tool's output) as lines, or undefined when it is not one. */
export function unifiedDiff(text: string): DiffLine[] | undefined {
  if (!/^(---|\+\+\+|@@) /m.test(text) || !/^@@ /m.test(text)) return undefined;
  return text.split("\n").map((l) => ({
    kind:
      l.startsWith("+++") || l.startsWith("---")
        ? "file"
        : l.startsWith("+")
          ? "add"
          : l.startsWith("-")
            ? "del"
            : "ctx",
    text: l,
  }));
}

export function threadRows(messages: Message[]): Row[] {
  const rows: Row[] = [];
  const byCall = new Map<string, ToolRow>();
  let turn = 0;
  messages.forEach((m, i) => {
    if (m.role === "user") {
      turn++;
      rows.push({ key: `m${i}`, role: "user", content: m.content, turn });
    } else if (m.role === "assistant") {
      const tools = (m.toolCalls ?? []).map((c) => {
        const t: ToolRow = { id: c.id, name: c.name, input: c.input, diff: editDiff(c.input) };
        byCall.set(c.id, t);
        return t;
      });
      rows.push({
        key: `m${i}`,
        role: "assistant",
        content: m.content,
        turn,
        tools,
        interrupted: !!m.interrupted,
        ...(m.usage ? { usage: m.usage } : {}),
      });
    } else {
      const call = byCall.get(m.toolCallId);
      if (call && call.output === undefined) {
        call.output = m.content;
        call.isError = !!m.isError;
        call.diff ??= unifiedDiff(m.content);
      } else {
        rows.push({
          key: `m${i}`,
          role: "tool",
          content: m.content,
          turn,
          name: m.name,
          isError: !!m.isError,
        });
      }
    }
  });
  return rows;
}

/**
 * A row's height before it is drawn (px), close enough that the virtualiser rarely has to shift what
 * is in view once the real height is measured: header and padding, text lines (wrapped at ~110
 * characters), code blocks (frame plus a line each), collapsed tool calls.
 */
export function estimateRowHeight(row: Row): number {
  let h = 48;
  let inCode = false;
  for (const line of row.content.split("\n")) {
    if (line.startsWith("```")) {
      h += inCode ? 0 : 34;
      inCode = !inCode;
    } else h += inCode ? 20 : line.trim() === "" ? 8 : 22 * Math.ceil(line.length / 110);
  }
  if (row.role === "assistant") h += row.tools.length * 38;
  return Math.round(h);
}

/** A turn's usage in a few words: `1,200 in · 340 out · $0.0123`. */
export function turnUsageText(u: TurnUsage): string {
  const n = new Intl.NumberFormat("en");
  const tokens = `${n.format(u.inputTokens)} in · ${n.format(u.outputTokens)} out${u.estimated ? " (estimated)" : ""}`;
  return u.costUsd === undefined
    ? tokens
    : `${tokens} · $${u.costUsd.toFixed(4)}${u.costPartial ? " (partial)" : ""}`;
}
