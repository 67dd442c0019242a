/**
 * A question of Loom's own to an ACP client (ACP has no request for it): a
 * `session/request_permission` about a tool call of Loom's, announced first as any permission
 * question is, and closed with the answer. No answer (a cancel, a client error) is a no.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import type { Send } from "./turn-updates.ts";

export interface QuestionContext {
  client: acp.AgentContext;
  sessionId: string;
  send: Send;
  /** Resolves once every update sent so far has gone out. */
  flush(): Promise<void>;
  /** The turn's signal: a cancel withdraws the question (a no). */
  signal: AbortSignal;
}

export interface OwnQuestion {
  toolCallId: string;
  title: string;
  kind: acp.ToolKind;
  /** The explanation shown as the tool call's content. */
  text?: string;
  options: acp.PermissionOption[];
  /** The option id that means yes. */
  yes: string;
}

/** True when the user chose the `yes` option. */
export async function askOwnQuestion(q: QuestionContext, question: OwnQuestion): Promise<boolean> {
  const { toolCallId, title, kind } = question;
  const content: acp.ToolCallContent[] | undefined =
    question.text === undefined
      ? undefined
      : [{ type: "content", content: { type: "text", text: question.text } }];
  q.send({
    sessionUpdate: "tool_call",
    toolCallId,
    title,
    kind,
    status: "pending",
    ...(content ? { content } : {}),
  });
  await q.flush();
  let allowed = false;
  try {
    const response = await q.client.request(
      methods.client.session.requestPermission,
      { sessionId: q.sessionId, toolCall: { toolCallId, title, kind }, options: question.options },
      { cancellationSignal: q.signal, stopWaitingOnCancel: true },
    );
    allowed = response.outcome.outcome === "selected" && response.outcome.optionId === question.yes;
  } catch {
    // No answer (cancelled, client error): no.
  }
  q.send({ sessionUpdate: "tool_call_update", toolCallId, status: allowed ? "completed" : "failed" });
  return allowed;
}
