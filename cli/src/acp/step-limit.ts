/**
 * The question at a turn's step limit (`[agent] max_steps`): ACP has no request for it, so it is a
 * `session/request_permission` about a tool call of Loom's own (kind `other`), sent to the client
 * first, as for any permission question, and closed with the answer.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { askOwnQuestion, type QuestionContext } from "./own-question.ts";

export const CONTINUE_OPTIONS: acp.PermissionOption[] = [
  { optionId: "continue", name: "Continue", kind: "allow_once" },
  { optionId: "stop", name: "Stop", kind: "reject_once" },
];

export interface StepLimitQuestion extends QuestionContext {
  /** Model requests the turn made (the limit). */
  steps: number;
  /** How many times this session has asked (keeps the tool call ids apart). */
  serial: number;
}

/** True when the user chose to go on. */
export function askToContinue(q: StepLimitQuestion): Promise<boolean> {
  return askOwnQuestion(q, {
    toolCallId: `loom-step-limit-${q.serial}`,
    title: `Continue? The turn made ${q.steps} model requests (the max_steps limit)`,
    kind: "other",
    options: CONTINUE_OPTIONS,
    yes: "continue",
  });
}
