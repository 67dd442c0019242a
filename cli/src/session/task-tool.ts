/**
 * The session's `task` tool (runtime/src/agent/subagent.ts): sub-conversations on the session's
 * current model and client (or `[subagents] model`), with its read-only tools as offered now
 * (permission mode, plan mode and `tools.disabled` applied), its tool hooks, and their cost
 * counted in the thread's.
 */

import { createTaskTool } from "@loom/runtime/agent/subagent";
import type { AgentHooks } from "@loom/runtime/agent/types";
import type { LoomConfig } from "@loom/runtime/config/schema";
import type { LlmClient, Usage } from "@loom/runtime/llm";
import type { Tool } from "@loom/runtime/tool";

export function sessionTaskTool(o: {
  config: Pick<LoomConfig, "subagents">;
  llm: () => LlmClient;
  model: () => string;
  system: () => string;
  tools: () => readonly Tool[];
  hooks: () => Pick<AgentHooks, "beforeTool" | "afterTool">;
  onUsage: (usage: Usage, model: string) => void;
}): Tool {
  const llm: LlmClient = {
    get provider() {
      return o.llm().provider;
    },
    stream: (req, signal) => o.llm().stream(req, signal),
    complete: (req, signal) => o.llm().complete(req, signal),
  };
  const hooks: Pick<AgentHooks, "beforeTool" | "afterTool"> = {
    beforeTool: async (call, signal) => o.hooks().beforeTool?.(call, signal),
    afterTool: async (call, result, signal) => o.hooks().afterTool?.(call, result, signal),
  };
  return createTaskTool({
    llm,
    model: () => o.config.subagents.model ?? o.model(),
    system: o.system,
    tools: o.tools,
    maxParallel: o.config.subagents.max_parallel,
    maxSteps: o.config.subagents.max_steps,
    hooks,
    onUsage: o.onUsage,
  });
}
