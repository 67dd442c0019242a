/**
 * The sandbox questions for an ACP client: "run this command once outside the sandbox?" and, where
 * no sandbox can be made, "run commands without one?". Like the step-limit question, each is a
 * `session/request_permission` about a tool call of Loom's own (kind `execute`, the explanation as
 * its content), announced first and closed with the answer.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import type { Send } from "./turn-updates.ts";

export const OUTSIDE_OPTIONS: acp.PermissionOption[] = [
  { optionId: "run_outside", name: "Run once outside the sandbox", kind: "allow_once" },
  { optionId: "keep_refusal", name: "Keep it refused", kind: "reject_once" },
];

export const UNSANDBOXED_OPTIONS: acp.PermissionOption[] = [
  { optionId: "run_unsandboxed", name: "Run commands without a sandbox", kind: "allow_once" },
  { optionId: "refuse_commands", name: "Refuse commands", kind: "reject_once" },
];

export interface QuestionContext {
  client: acp.AgentContext;
  sessionId: string;
  send: Send;
  flush(): Promise<void>;
  /** The turn's signal: a cancel withdraws the question (a no). */
  signal: AbortSignal;
}

/** True when the user chose to run the refused command once outside the sandbox. */
export function askOutsideSandbox(
  q: QuestionContext & { request: { callId: string; command: string; denial: string } },
): Promise<boolean> {
  const title = `The sandbox refused: ${q.request.command.split("\n")[0]}. Run it once outside the sandbox?`;
  return ask(q, `loom-sandbox-${q.request.callId}`, title, q.request.denial, OUTSIDE_OPTIONS, "run_outside");
}

/** True when the user chose to let this session's commands run without a sandbox. */
export function askUnsandboxed(q: QuestionContext & { reason: string }): Promise<boolean> {
  const title = "No sandbox can be made here. Run the agent's commands without a sandbox for this session?";
  return ask(q, `loom-no-sandbox-${q.sessionId}`, title, q.reason, UNSANDBOXED_OPTIONS, "run_unsandboxed");
}

async function ask(
  q: QuestionContext,
  toolCallId: string,
  title: string,
  text: string,
  options: acp.PermissionOption[],
  yes: string,
): Promise<boolean> {
  const content: acp.ToolCallContent[] = [{ type: "content", content: { type: "text", text } }];
  q.send({ sessionUpdate: "tool_call", toolCallId, title, kind: "execute", status: "pending", content });
  await q.flush();
  let allowed = false;
  try {
    const response = await q.client.request(
      methods.client.session.requestPermission,
      { sessionId: q.sessionId, toolCall: { toolCallId, title, kind: "execute" }, options },
      { cancellationSignal: q.signal, stopWaitingOnCancel: true },
    );
    allowed = response.outcome.outcome === "selected" && response.outcome.optionId === yes;
  } catch {
    // No answer (cancelled, client error): no.
  }
  q.send({ sessionUpdate: "tool_call_update", toolCallId, status: allowed ? "completed" : "failed" });
  return allowed;
}
