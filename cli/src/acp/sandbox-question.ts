/**
 * "Run this command once outside the sandbox?" for an ACP client: like the step-limit question, a
 * `session/request_permission` about a tool call of Loom's own (`loom-sandbox-<bash call id>`,
 * kind `execute`, the sandbox's note as its content), announced first and closed with the answer.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import type { Send } from "./turn-updates.ts";

export const OUTSIDE_OPTIONS: acp.PermissionOption[] = [
  { optionId: "run_outside", name: "Run once outside the sandbox", kind: "allow_once" },
  { optionId: "keep_refusal", name: "Keep it refused", kind: "reject_once" },
];

export interface OutsideQuestion {
  client: acp.AgentContext;
  sessionId: string;
  request: { callId: string; command: string; denial: string };
  send: Send;
  flush(): Promise<void>;
  /** The turn's signal: a cancel withdraws the question (a refusal). */
  signal: AbortSignal;
}

/** True when the user chose to run the command outside the sandbox. */
export async function askOutsideSandbox(q: OutsideQuestion): Promise<boolean> {
  const toolCallId = `loom-sandbox-${q.request.callId}`;
  const title = `The sandbox refused: ${q.request.command.split("\n")[0]}. Run it once outside the sandbox?`;
  const content: acp.ToolCallContent[] = [
    { type: "content", content: { type: "text", text: q.request.denial } },
  ];
  q.send({ sessionUpdate: "tool_call", toolCallId, title, kind: "execute", status: "pending", content });
  await q.flush();
  let allowed = false;
  try {
    const response = await q.client.request(
      methods.client.session.requestPermission,
      { sessionId: q.sessionId, toolCall: { toolCallId, title, kind: "execute" }, options: OUTSIDE_OPTIONS },
      { cancellationSignal: q.signal, stopWaitingOnCancel: true },
    );
    allowed = response.outcome.outcome === "selected" && response.outcome.optionId === "run_outside";
  } catch {
    // No answer (cancelled, client error): keep the refusal.
  }
  q.send({ sessionUpdate: "tool_call_update", toolCallId, status: allowed ? "completed" : "failed" });
  return allowed;
}
