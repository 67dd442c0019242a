/**
 * Bookkeeping for the tool calls of one LLM turn, and the history rule that every assistant tool call
 * is answered by exactly one tool message, in call order.
 */
import type { Message, ToolMessage } from "../llm.ts";
import { CANCELLED_RESULT, type ToolCallResult, type ToolExecution } from "./types.ts";

export function allCompleted(executions: ToolExecution[]): boolean {
  return executions.every((e) => e.status === "completed");
}

/** Index of the first not-yet-completed execution for `callId`, or -1. */
export function openExecution(executions: ToolExecution[], callId: string): number {
  return executions.findIndex((e) => e.call.id === callId && e.status !== "completed");
}

export function withStatus(
  executions: ToolExecution[],
  at: number,
  update: { status: "running" } | { status: "completed"; result: ToolCallResult },
): ToolExecution[] {
  return executions.map((e, i) => (i === at ? { call: e.call, mutating: e.mutating, ...update } : e));
}

/** Completes every open execution with the cancelled result. */
export function cancelOpen(executions: ToolExecution[]): ToolExecution[] {
  return executions.map((e) =>
    e.status === "completed"
      ? e
      : { call: e.call, mutating: e.mutating, status: "completed", result: CANCELLED_RESULT },
  );
}

/** The tool messages of completed executions, in call order. */
export function toolMessages(executions: ToolExecution[]): ToolMessage[] {
  const out: ToolMessage[] = [];
  for (const e of executions) {
    if (e.status !== "completed") continue;
    const msg: ToolMessage = {
      role: "tool",
      toolCallId: e.call.id,
      name: e.call.name,
      content: e.result.content,
    };
    if (e.result.isError) msg.isError = true;
    if (e.result.images?.length) msg.images = e.result.images;
    out.push(msg);
  }
  return out;
}

/** True when a call that really ran (valid input) belongs to a mutating tool. */
export function touchedWorkspace(executions: ToolExecution[]): boolean {
  return executions.some((e) => e.mutating && e.call.inputError === undefined);
}

/**
 * Makes a loaded history valid: an assistant tool call with no tool message right after its assistant
 * message (a crash mid-turn) gets the cancelled result; stray tool messages are dropped.
 */
export function closeDanglingToolCalls(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === "tool") continue;
    out.push(m);
    if (m.role !== "assistant" || !m.toolCalls?.length) continue;
    const answers = new Map<string, ToolMessage>();
    while (i + 1 < messages.length && messages[i + 1]!.role === "tool") {
      const t = messages[++i] as ToolMessage;
      if (!answers.has(t.toolCallId)) answers.set(t.toolCallId, t);
    }
    for (const c of m.toolCalls) {
      out.push(
        answers.get(c.id) ?? {
          role: "tool",
          toolCallId: c.id,
          name: c.name,
          content: CANCELLED_RESULT.content,
          isError: true,
        },
      );
    }
  }
  return out;
}
