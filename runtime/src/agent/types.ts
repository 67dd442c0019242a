/**
 * The driver's public types: options, the agent handle, turn results and the event stream front ends render.
 */
import type {
  AssistantMessage,
  ImagePart,
  LlmClient,
  LlmErrorInfo,
  Message,
  ToolCall,
  Usage,
} from "../llm.ts";
import type { BackoffParams } from "../machine/backoff.ts";
import type {
  AgentState,
  AgentStateType,
  DisplayErrorSource,
  MachineAction,
  MachineEvent,
  ToolExecution,
  TurnEndReason,
} from "../machine/types.ts";
import type { Sandbox } from "../sandbox/types.ts";
import type { Tool, ToolCapabilities, ToolProgress } from "../tool.ts";
import type { Clock } from "./clock.ts";

/** `{ deny: reason }` refuses with that reason for the model (plan mode) instead of the user's "no". */
export type PermissionDecision = "allow" | "deny" | { deny: string };

/**
 * Asked before each call of a mutating tool, one call at a time, in call order. `signal` fires when the
 * turn is cancelled, so a prompt can be dismissed.
 */
export type PermissionCheck = (call: ToolCall, signal: AbortSignal) => Promise<PermissionDecision>;

export interface PostToolsContext {
  requestId: number;
  /** The turn's tool calls with their results, in call order. */
  executions: ToolExecution[];
  messages: readonly Message[];
  /** Aborted when the turn is cancelled or the agent shuts down. */
  signal: AbortSignal;
}

export interface AgentHooks {
  /** Runs after a batch of tool calls that included a mutating tool (e.g. a git snapshot). May throw. */
  postTools?(ctx: PostToolsContext): Promise<void> | void;
  /**
   * Before each tool call, before its permission question: a string refuses the call with that
   * reason (the model reads it). A throw counts as no objection.
   */
  beforeTool?(call: ToolCall, signal: AbortSignal): Promise<string | undefined>;
  /** After each tool call that ran: a string is added to its result for the model. A throw adds nothing. */
  afterTool?(
    call: ToolCall,
    result: { content: string; isError: boolean },
    signal: AbortSignal,
  ): Promise<string | undefined>;
}

export interface AgentOptions {
  llm: LlmClient;
  tools: readonly Tool[];
  model: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  hooks?: AgentHooks;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Uniform in [0,1); drives the retry jitter. Defaults to `Math.random`. */
  random?: () => number;
  /** Retries of a failed LLM request (default 3). */
  maxRetries?: number;
  backoff?: Partial<BackoffParams>;
  /** LLM requests per user turn (default 100; 0 = no limit). */
  maxSteps?: number;
  /**
   * Asked when a turn reaches `maxSteps`: true grants it another `maxSteps` requests, false (or a
   * throw) ends it with the step-limit error. Absent: the turn ends at the limit. `signal` fires on cancel.
   */
  continueAtStepLimit?: (info: { steps: number; signal: AbortSignal }) => Promise<boolean>;
  /** Timeout of a tool call when the tool sets none (default 120 000 ms). */
  toolTimeoutMs?: number;
  permission?: PermissionCheck;
  /**
   * Called for a tool name the agent does not know: may wait until a tool source still starting
   * (an MCP server) has it, after which the name is looked up again.
   */
  awaitTool?: (name: string, signal: AbortSignal) => Promise<void>;
  /** Passed to tools in their context (default `process.cwd()`). */
  workspaceRoot?: string;
  capabilities?: ToolCapabilities;
  /** A second model for the `oracle` tool, passed to tools in their context. */
  oracle?: { llm: LlmClient; model: string };
  /** Where tools run the commands they start (bash); passed to tools in their context. */
  sandbox?: Sandbox;
  /** History to resume from. */
  messages?: Message[];
  /** Sees every machine step (event in, state and actions out): for logs and golden recordings. */
  onTransition?: (step: { event: MachineEvent; state: AgentState; actions: MachineAction[] }) => void;
}

export type TurnOutcome = TurnEndReason | "shutdown";

export interface TurnResult {
  reason: TurnOutcome;
  /** The last assistant message of the turn, if the model answered. */
  message?: AssistantMessage;
  /** Why the turn failed (`reason: "error"`). */
  error?: string;
  /** Messages the turn added, starting with the user's. */
  messages: Message[];
  usage: Usage;
}

export type AgentEvent =
  | { type: "state.changed"; from: AgentStateType; to: AgentStateType }
  | { type: "agent.text_delta"; text: string }
  | { type: "agent.message"; message: AssistantMessage }
  | { type: "tool.started"; callId: string; name: string; input: unknown }
  | { type: "tool.progress"; callId: string; name: string; progress: ToolProgress }
  | {
      type: "tool.completed";
      callId: string;
      name: string;
      result: string;
      isError: boolean;
      durationMs: number;
    }
  | { type: "llm.usage"; model: string; usage: Usage }
  | {
      type: "llm.failed";
      error: LlmErrorInfo;
      /** Retries already made for this request. */
      retries: number;
      willRetry: boolean;
      delayMs?: number;
    }
  | { type: "turn.completed"; result: TurnResult }
  | { type: "agent.error"; source: DisplayErrorSource; message: string };

export type AgentListener = (event: AgentEvent) => void;

/** A type alias (not an interface) so it fits a thread's `agentState: Record<string, unknown>`. */
export type AgentSnapshot = {
  state: AgentStateType;
  requestId: number;
  messages: Message[];
  usage: Usage;
};

export interface Agent {
  /** Starts a turn; resolves when the agent waits for input again (or shut down). Rejects with CONFLICT when busy. */
  send(text: string, images?: ImagePart[]): Promise<TurnResult>;
  /** Aborts the running turn: stream and tools are aborted, open tool calls get a cancelled result. */
  cancel(): void;
  /** Replaces the tools: the next model request offers these, and later calls use them. */
  setTools(tools: readonly Tool[]): void;
  /** Cancels anything in flight and stops; later `send` calls reject. */
  shutdown(): Promise<void>;
  /** Subscribes to the event stream; returns the unsubscribe function. Listeners must not throw. */
  on(listener: AgentListener): () => void;
  readonly state: AgentState;
  readonly messages: readonly Message[];
  /** Plain data for a thread's `agentState` and resume. */
  snapshot(): AgentSnapshot;
}
