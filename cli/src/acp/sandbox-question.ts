/**
 * The sandbox questions for an ACP client: "run this command once outside the sandbox?" and, where
 * no sandbox can be made, "run commands without one?". Like the step-limit question, each is a
 * `session/request_permission` about a tool call of Loom's own (kind `execute`, the explanation as
 * its content), announced first and closed with the answer.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { askOwnQuestion, type QuestionContext } from "./own-question.ts";

export type { QuestionContext } from "./own-question.ts";

export const OUTSIDE_OPTIONS: acp.PermissionOption[] = [
  { optionId: "run_outside", name: "Run once outside the sandbox", kind: "allow_once" },
  { optionId: "keep_refusal", name: "Keep it refused", kind: "reject_once" },
];

export const UNSANDBOXED_OPTIONS: acp.PermissionOption[] = [
  { optionId: "run_unsandboxed", name: "Run commands without a sandbox", kind: "allow_once" },
  { optionId: "refuse_commands", name: "Refuse commands", kind: "reject_once" },
];

/** True when the user chose to run the refused command once outside the sandbox. */
export function askOutsideSandbox(
  q: QuestionContext & { request: { callId: string; command: string; denial: string } },
): Promise<boolean> {
  const title = `The sandbox refused: ${q.request.command.split("\n")[0]}. Run it once outside the sandbox?`;
  return askOwnQuestion(q, {
    toolCallId: `loom-sandbox-${q.request.callId}`,
    title,
    kind: "execute",
    text: q.request.denial,
    options: OUTSIDE_OPTIONS,
    yes: "run_outside",
  });
}

/** True when the user chose to let this session's commands run without a sandbox. */
export function askUnsandboxed(q: QuestionContext & { reason: string }): Promise<boolean> {
  const title = "No sandbox can be made here. Run the agent's commands without a sandbox for this session?";
  return askOwnQuestion(q, {
    toolCallId: `loom-no-sandbox-${q.sessionId}`,
    title,
    kind: "execute",
    text: q.reason,
    options: UNSANDBOXED_OPTIONS,
    yes: "run_unsandboxed",
  });
}
