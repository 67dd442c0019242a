/**
 * One tool call under the tool's timeout, for `loom tools call`. A tool that enforces its own
 * timeout (a WASM plugin) reports it itself, naming its limit; this timer, `graceMs` later,
 * stops a tool that does not. Either way a call that ran out of time ends as TOOL_TIMEOUT, never
 * as the cancellation the abort caused, and a tool that ignores the abort is not waited for
 * longer than another `graceMs`. `cancel` (Ctrl-C) aborts the call as a cancellation.
 */
import type { Sandbox } from "@loom/runtime/sandbox/types";
import type { Tool, ToolResult } from "@loom/runtime/tool";

/** How long after a tool's own timeout the command stops it, and then stops waiting for it. */
export const TIMEOUT_GRACE_MS = 1000;

export async function invokeWithTimeout(
  tool: Tool,
  input: unknown,
  opts: { workspaceRoot: string; cancel: AbortSignal; graceMs?: number; sandbox?: Sandbox },
): Promise<ToolResult> {
  const grace = opts.graceMs ?? TIMEOUT_GRACE_MS;
  const controller = new AbortController();
  const onCancel = () => controller.abort();
  opts.cancel.addEventListener("abort", onCancel, { once: true });
  const timeout: ToolResult = {
    output: { code: "TOOL_TIMEOUT", message: `${tool.name} did not finish within ${tool.timeoutMs} ms` },
    isError: true,
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const expired = new Promise<ToolResult>((resolve) => {
    if (!tool.timeoutMs) return;
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      setTimeout(() => resolve(timeout), grace).unref();
    }, tool.timeoutMs + grace);
  });
  const invoked = tool
    .invoke(input, {
      workspaceRoot: opts.workspaceRoot,
      signal: controller.signal,
      callId: "cli",
      ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
    })
    .then((r) => (timedOut && !opts.cancel.aborted && r.isError ? timeout : r));
  try {
    return await Promise.race([invoked, expired]);
  } finally {
    clearTimeout(timer);
    opts.cancel.removeEventListener("abort", onCancel);
  }
}
