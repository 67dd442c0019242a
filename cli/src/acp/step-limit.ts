/**
 * The question at a turn's step limit (`[agent] max_steps`): ACP has no request for it, so it is a
 * `session/request_permission` about a tool call of Loom's own (kind `other`), sent to the client
 * first, as for any permission question, and closed with the answer.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import type { Send } from "./turn-updates.ts";

export const CONTINUE_OPTIONS: acp.PermissionOption[] = [
  { optionId: "continue", name: "Continue", kind: "allow_once" },
  { optionId: "stop", name: "Stop", kind: "reject_once" },
];

export interface StepLimitQuestion {
  client: acp.AgentContext;
  sessionId: string;
  /** Model requests the turn made (the limit). */
  steps: number;
  /** How many times this session has asked (keeps the tool call ids apart). */
  serial: number;
  send: Send;
  /** Resolves once every update sent so far has gone out. */
  flush(): Promise<void>;
  /** The turn's signal: a cancel withdraws the question (a "stop"). */
  signal: AbortSignal;
}

/** True when the user chose to go on. */
export async function askToContinue(q: StepLimitQuestion): Promise<boolean> {
  const toolCallId = `loom-step-limit-${q.serial}`;
  const title = `Continue? The turn made ${q.steps} model requests (the max_steps limit)`;
  q.send({ sessionUpdate: "tool_call", toolCallId, title, kind: "other", status: "pending" });
  await q.flush();
  let proceed = false;
  try {
    const response = await q.client.request(
      methods.client.session.requestPermission,
      { sessionId: q.sessionId, toolCall: { toolCallId, title, kind: "other" }, options: CONTINUE_OPTIONS },
      { cancellationSignal: q.signal, stopWaitingOnCancel: true },
    );
    proceed = response.outcome.outcome === "selected" && response.outcome.optionId === "continue";
  } catch {
    // No answer (cancelled, client error): stop.
  }
  q.send({ sessionUpdate: "tool_call_update", toolCallId, status: proceed ? "completed" : "failed" });
  return proceed;
}
