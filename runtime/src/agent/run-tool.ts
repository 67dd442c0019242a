/**
 * Runs one tool call and turns every outcome into a result the model can read: unknown tool, invalid
 * input, permission denied, thrown error, timeout or cancellation. Never throws.
 */
import { formatError, isLoomError } from "../errors.ts";
import type { LlmClient } from "../llm.ts";
import type { RequestedToolCall, ToolCallResult } from "../machine/types.ts";
import { CANCELLED_RESULT } from "../machine/types.ts";
import type { Sandbox } from "../sandbox/types.ts";
import { type Tool, type ToolCapabilities, type ToolProgress, toolOutputText } from "../tool.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import type { AgentHooks, PermissionCheck } from "./types.ts";

export interface RunToolDeps {
  tools: Pick<ReadonlyMap<string, Tool>, "get" | "keys">;
  /** Waits for a tool not known yet (an MCP server still starting); the name is looked up again after. */
  awaitTool?: (name: string, signal: AbortSignal) => Promise<void>;
  clock: Clock;
  defaultTimeoutMs: number;
  workspaceRoot: string;
  capabilities?: ToolCapabilities;
  oracle?: { llm: LlmClient; model: string };
  sandbox?: Sandbox;
  /** Asks for permission (already serialised by the caller); only consulted for mutating calls. */
  permission?: PermissionCheck;
  /** Aborted when the turn is cancelled. */
  signal: AbortSignal;
  /** `AgentHooks.beforeTool` / `afterTool`. */
  beforeTool?: AgentHooks["beforeTool"];
  afterTool?: AgentHooks["afterTool"];
  /** Called when the tool is actually invoked (after lookup and permission). */
  onInvoke(): void;
  onProgress(progress: ToolProgress): void;
}

function fail(content: string): ToolCallResult {
  return { content, isError: true };
}

/** The text of a thrown error: a LoomError keeps its code, anything else is TOOL_FAILED. */
export function errorResult(e: unknown): ToolCallResult {
  return fail(isLoomError(e) ? formatError(e) : `TOOL_FAILED: ${formatError(e)}`);
}

async function askPermission(
  check: PermissionCheck,
  call: RequestedToolCall,
  signal: AbortSignal,
): Promise<ToolCallResult | null> {
  try {
    const decision = await check({ id: call.id, name: call.name, input: call.input }, signal);
    if (typeof decision === "object") return fail(`PERMISSION_DENIED: ${decision.deny}`);
    return decision === "allow" ? null : fail("PERMISSION_DENIED: permission denied by user");
  } catch (e) {
    return fail(`PERMISSION_DENIED: permission check failed: ${formatError(e)}`);
  }
}

async function invoke(tool: Tool, call: RequestedToolCall, deps: RunToolDeps): Promise<ToolCallResult> {
  deps.onInvoke();
  const timeoutMs = tool.timeoutMs ?? deps.defaultTimeoutMs;
  const timeout = new AbortController();
  const signal = AbortSignal.any([deps.signal, timeout.signal]);
  let timer: TimerHandle | undefined;
  let onAbort: (() => void) | undefined;
  // The races below let a tool that ignores its signal be abandoned rather than awaited.
  const timedOut = new Promise<ToolCallResult>((resolve) => {
    timer = deps.clock.setTimeout(() => {
      timeout.abort();
      resolve(fail(`TOOL_TIMEOUT: ${tool.name} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const cancelled = new Promise<ToolCallResult>((resolve) => {
    onAbort = () => resolve(CANCELLED_RESULT);
    deps.signal.addEventListener("abort", onAbort, { once: true });
  });
  const run = (async (): Promise<ToolCallResult> => {
    const result = await tool.invoke(call.input, {
      workspaceRoot: deps.workspaceRoot,
      signal,
      callId: call.id,
      capabilities: deps.capabilities,
      onProgress: deps.onProgress,
      ...(deps.oracle ? { llm: deps.oracle.llm, oracleModel: deps.oracle.model } : {}),
      ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
    });
    return {
      content: toolOutputText(result) ?? "",
      isError: result.isError === true,
      ...(result.images?.length ? { images: result.images } : {}),
    };
  })().catch(errorResult);
  try {
    return await Promise.race([run, timedOut, cancelled]);
  } finally {
    deps.clock.clearTimeout(timer);
    if (onAbort) deps.signal.removeEventListener("abort", onAbort);
  }
}

export async function runToolCall(call: RequestedToolCall, deps: RunToolDeps): Promise<ToolCallResult> {
  if (call.inputError !== undefined) {
    return fail(`TOOL_INPUT_INVALID: ${call.inputError}. Arguments received: ${call.rawInput ?? ""}`);
  }
  let tool = deps.tools.get(call.name);
  if (!tool && deps.awaitTool) {
    await deps.awaitTool(call.name, deps.signal).catch(() => undefined);
    if (deps.signal.aborted) return CANCELLED_RESULT;
    tool = deps.tools.get(call.name);
  }
  if (!tool) {
    const known = [...deps.tools.keys()].join(", ") || "none";
    return fail(`TOOL_NOT_FOUND: no tool named "${call.name}". Available tools: ${known}`);
  }
  const asked = { id: call.id, name: call.name, input: call.input };
  if (deps.beforeTool) {
    const reason = await deps.beforeTool(asked, deps.signal).catch(() => undefined);
    if (deps.signal.aborted) return CANCELLED_RESULT;
    if (reason !== undefined) return fail(`BLOCKED_BY_HOOK: ${reason}`);
  }
  if (tool.mutating && deps.permission) {
    const denied = await askPermission(deps.permission, call, deps.signal);
    if (denied) return denied;
  }
  if (deps.signal.aborted) return CANCELLED_RESULT;
  const result = await invoke(tool, call, deps);
  if (!deps.afterTool || deps.signal.aborted) return result;
  const note = await deps.afterTool(asked, result, deps.signal).catch(() => undefined);
  return note === undefined ? result : { ...result, content: `${result.content}\n\n[hook] ${note}` };
}
