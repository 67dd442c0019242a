/**
 * States, events, actions and config of the agent state machine. Plain data only: every value here
 * is JSON-serialisable, so a state can be snapshotted, logged and replayed.
 */
import type { AssistantMessage, ImagePart, LlmErrorInfo, LlmEvent, Message, ToolCall } from "../llm.ts";
import type { ToolProgress } from "../tool.ts";
import type { BackoffParams } from "./backoff.ts";

/** Fields every state carries. */
export interface StateBase {
  /** The conversation so far; the machine decides what is sent to the model. */
  messages: Message[];
  /**
   * Id of the latest LLM request. Events about a request (stream events, tool completions, hook
   * completion, retry timer) carry it; events with another id are stale and ignored.
   */
  requestId: number;
  /** LLM requests made in the current user turn, or since the user agreed to go on (bounded by `maxSteps`). */
  steps: number;
}

/** A tool call as the model sent it; `inputError` is set when its arguments were not a JSON object. */
export interface RequestedToolCall extends ToolCall {
  inputError?: string;
  /** Unparsed arguments, kept when `inputError` is set so the model can see what it sent. */
  rawInput?: string;
}

export interface ToolCallResult {
  content: string;
  isError: boolean;
  images?: ImagePart[];
}

export type ToolExecution =
  | { call: RequestedToolCall; mutating: boolean; status: "pending" }
  | { call: RequestedToolCall; mutating: boolean; status: "running" }
  | { call: RequestedToolCall; mutating: boolean; status: "completed"; result: ToolCallResult };

/** A tool call being assembled from `tool_call.start` / `tool_call.delta` stream events. */
export interface PartialToolCall {
  index: number;
  id: string;
  name: string;
  args: string;
}

export type ErrorOrigin = "CallingLlm" | "ProcessingLlmResponse";

export type AgentState =
  | (StateBase & { type: "WaitingForUserInput" })
  | (StateBase & { type: "CallingLlm"; retries: number })
  | (StateBase & {
      type: "ProcessingLlmResponse";
      retries: number;
      text: string;
      partials: PartialToolCall[];
    })
  | (StateBase & { type: "ExecutingTools"; executions: ToolExecution[] })
  | (StateBase & { type: "PostToolsHook"; executions: ToolExecution[] })
  | (StateBase & {
      type: "Error";
      error: LlmErrorInfo;
      retries: number;
      origin: ErrorOrigin;
      delayMs: number;
    })
  /** The turn used its `maxSteps` requests; waiting for the user to say whether it goes on. */
  | (StateBase & { type: "AskingToContinue" })
  | (StateBase & { type: "ShuttingDown" });

export type AgentStateType = AgentState["type"];

export type MachineEvent =
  | { type: "UserInput"; text: string; images?: ImagePart[] }
  /** One event of the LLM stream for request `requestId`, forwarded as it arrives. */
  | { type: "LlmEvent"; requestId: number; event: LlmEvent }
  /** The request failed (thrown `LlmError`). `random` in [0,1) drives the backoff jitter. */
  | { type: "LlmFailed"; requestId: number; error: LlmErrorInfo; random: number }
  | { type: "ToolStarted"; requestId: number; callId: string }
  | { type: "ToolProgress"; requestId: number; callId: string; progress: ToolProgress }
  | { type: "ToolCompleted"; requestId: number; callId: string; result: ToolCallResult }
  /** `error` is set when the hook failed; the turn goes on regardless. */
  | { type: "PostToolsHookCompleted"; requestId: number; error?: string }
  | { type: "RetryTimeoutFired"; requestId: number }
  /** The user's answer to `AskToContinue`: `proceed` grants another `maxSteps` requests. */
  | { type: "ContinueAnswered"; requestId: number; proceed: boolean }
  | { type: "Cancel" }
  | { type: "ShutdownRequested" };

export type TurnEndReason = "end_turn" | "error" | "cancelled";

export type DisplayErrorSource = "llm" | "hook" | "step_limit";

export type MachineAction =
  | { type: "SendLlmRequest"; requestId: number; messages: Message[] }
  | {
      type: "ExecuteTools";
      requestId: number;
      calls: Array<RequestedToolCall & { mutating: boolean }>;
    }
  | { type: "RunPostToolsHook"; requestId: number; executions: ToolExecution[] }
  | { type: "WaitForInput"; reason: TurnEndReason }
  | { type: "DisplayMessage"; kind: "text_delta"; text: string }
  | { type: "DisplayMessage"; kind: "assistant"; message: AssistantMessage }
  | {
      type: "DisplayError";
      source: DisplayErrorSource;
      message: string;
      error?: LlmErrorInfo;
      retries?: number;
    }
  /** Start the retry timer; `attempt` is the 1-based number of the retry it leads to. */
  | { type: "ScheduleRetry"; requestId: number; delayMs: number; attempt: number; error: LlmErrorInfo }
  /** Abort the LLM stream, running tools, the hook and the retry timer of request `requestId`. */
  | { type: "CancelInFlight"; requestId: number }
  /** Ask the user whether the turn goes on after `steps` requests; answered by `ContinueAnswered`. */
  | { type: "AskToContinue"; requestId: number; steps: number }
  | { type: "Shutdown" };

export interface MachineConfig {
  /** Retries of one failed LLM request before the turn fails. */
  maxRetries: number;
  backoff: BackoffParams;
  /** Names of tools that change the workspace; a turn that calls one goes through PostToolsHook. */
  mutatingTools: readonly string[];
  /** LLM requests allowed in one user turn (bounds the tool loop); 0 means no limit. */
  maxSteps: number;
  /** At the step limit, ask the user (`AskToContinue`) instead of ending the turn. */
  askAtStepLimit: boolean;
}

/** What `transition` accepts: any field left out takes its default. */
export type MachineConfigInput = Partial<Omit<MachineConfig, "backoff">> & {
  backoff?: Partial<BackoffParams>;
};

export interface TransitionResult {
  state: AgentState;
  actions: MachineAction[];
}

/** Content of the tool result recorded for a call that was cancelled before it completed. */
export const CANCELLED_RESULT: ToolCallResult = {
  content: "TOOL_CANCELLED: cancelled by user",
  isError: true,
};
