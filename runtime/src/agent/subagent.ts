/**
 * The `task` tool: a focused sub-conversation with its own context and a restricted tool set
 * (the session's read-only tools, or fewer), whose final reply comes back as the tool's result.
 * The main conversation sees only that summary, not the sub-conversation's reads. The tool is
 * read-only itself, so several `task` calls in one reply run at once, up to `maxParallel`; more wait.
 * The sub-conversation's tool calls are reported as progress (`data.subagent`), for front ends to nest.
 * @example
 * const task = createTaskTool({ llm, model, tools: () => readOnlyTools, system: () => prompt, maxParallel: 3 });
 */
import { LoomError } from "../errors.ts";
import type { LlmClient, Usage } from "../llm.ts";
import type { Tool, ToolProgress } from "../tool.ts";
import { createAgent } from "./create-agent.ts";
import type { AgentHooks } from "./types.ts";

export const TASK_TOOL = "task";

/** A sub-conversation's tool call, as progress `data.subagent` of the `task` call. */
export type SubagentProgress =
  | { type: "tool.started"; callId: string; name: string; input: unknown }
  | {
      type: "tool.completed";
      callId: string;
      name: string;
      result: string;
      isError: boolean;
      durationMs: number;
    };

export interface TaskToolOptions {
  llm: LlmClient;
  /** The model of each sub-conversation (read at each call). */
  model: () => string;
  /** The main session's system prompt (environment, instructions). */
  system: () => string;
  /** Tools a sub-conversation may use: read-only ones only are kept. */
  tools: () => readonly Tool[];
  maxParallel: number;
  /** Model requests per sub-conversation. */
  maxSteps: number;
  /** Tool hooks (PreToolUse, PostToolUse) apply to the sub-conversation's calls too. */
  hooks?: Pick<AgentHooks, "beforeTool" | "afterTool">;
  /** What each sub-conversation's requests cost, for the session's total. */
  onUsage?: (usage: Usage, model: string) => void;
}

const SUB_PROMPT = `# Sub-task
You are a sub-agent: the main agent handed you one focused task. Work on it with your tools (you
cannot change files or run commands that change anything). Your final reply is the only thing the
main agent sees: make it a concise, factual summary of what you found (file paths, line numbers,
names, answers), saying what you could not find.`;

interface TaskInput {
  description: string;
  prompt: string;
  tools?: string[];
}

/** A counting semaphore whose waits end when `signal` fires. */
function createSlots(n: number) {
  let free = n;
  const waiting: Array<() => void> = [];
  return {
    async acquire(signal: AbortSignal): Promise<boolean> {
      if (free > 0) {
        free--;
        return true;
      }
      return new Promise<boolean>((resolve) => {
        const go = () => {
          signal.removeEventListener("abort", stop);
          resolve(true);
        };
        const stop = () => {
          const i = waiting.indexOf(go);
          if (i >= 0) waiting.splice(i, 1);
          resolve(false);
        };
        waiting.push(go);
        signal.addEventListener("abort", stop, { once: true });
      });
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

export function createTaskTool(o: TaskToolOptions): Tool {
  const slots = createSlots(Math.max(1, o.maxParallel));
  return {
    name: TASK_TOOL,
    description:
      "Hand a focused task (a search, an investigation, a question about the code) to a sub-agent with its own " +
      "context and read-only tools; you get back its summary, not its reads. Use it to keep your own context " +
      `small. Several task calls in one reply run in parallel (up to ${o.maxParallel}). The prompt must say ` +
      "everything the sub-agent needs: it does not see this conversation.",
    inputSchema: {
      type: "object",
      properties: {
        description: { type: "string", description: "A short label for the task (3-6 words)" },
        prompt: { type: "string", description: "The full task for the sub-agent, with what to report back" },
        tools: {
          type: "array",
          items: { type: "string" },
          description: "Only these read-only tools (default: all read-only tools)",
        },
      },
      required: ["description", "prompt"],
      additionalProperties: false,
    },
    mutating: false,
    // The sub-conversation has its own step limit; the tool timeout must not cut it short.
    timeoutMs: 30 * 60_000,
    async invoke(raw, ctx) {
      const input = raw as TaskInput;
      if (typeof input.prompt !== "string" || !input.prompt.trim())
        throw new LoomError("TOOL_INPUT_INVALID", "task needs a prompt");
      const available = o.tools().filter((t) => !t.mutating && t.name !== TASK_TOOL);
      const unknown = (input.tools ?? []).filter((n) => !available.some((t) => t.name === n));
      if (unknown.length > 0)
        return {
          output: `TOOL_INPUT_INVALID: not read-only tools a sub-agent may use: ${unknown.join(", ")}. Available: ${available.map((t) => t.name).join(", ")}`,
          isError: true,
        };
      const tools = input.tools ? available.filter((t) => input.tools!.includes(t.name)) : available;
      const progress = (p: ToolProgress) => ctx.onProgress?.(p);
      if (!(await slots.acquire(ctx.signal))) return { output: "TOOL_CANCELLED: cancelled", isError: true };
      const model = o.model();
      const agent = createAgent({
        llm: o.llm,
        model,
        system: `${o.system()}\n\n${SUB_PROMPT}`,
        tools,
        maxSteps: o.maxSteps,
        workspaceRoot: ctx.workspaceRoot,
        ...(ctx.sandbox ? { sandbox: ctx.sandbox } : {}),
        ...(ctx.capabilities ? { capabilities: ctx.capabilities } : {}),
        ...(o.hooks ? { hooks: o.hooks } : {}),
      });
      const off = agent.on((e) => {
        if (e.type === "tool.started") {
          const data: SubagentProgress = {
            type: "tool.started",
            callId: e.callId,
            name: e.name,
            input: e.input,
          };
          progress({ message: `→ ${e.name}${keyArg(e.input)}`, data: { subagent: data } });
        } else if (e.type === "tool.completed") {
          const data: SubagentProgress = {
            type: "tool.completed",
            callId: e.callId,
            name: e.name,
            result: e.result,
            isError: e.isError,
            durationMs: e.durationMs,
          };
          progress({ message: `${e.isError ? "✗" : "✓"} ${e.name}`, data: { subagent: data } });
        } else if (e.type === "llm.usage") o.onUsage?.(e.usage, e.model);
      });
      const cancel = () => agent.cancel();
      ctx.signal.addEventListener("abort", cancel, { once: true });
      try {
        if (ctx.signal.aborted) return { output: "TOOL_CANCELLED: cancelled", isError: true };
        progress({ message: `${input.description || "task"}: started` });
        const result = await agent.send(input.prompt);
        const text = result.message?.content.trim() ?? "";
        if (result.reason === "cancelled" || ctx.signal.aborted)
          return { output: "TOOL_CANCELLED: cancelled", isError: true };
        if (result.reason === "error")
          return {
            output: `TOOL_FAILED: the sub-agent stopped: ${result.error ?? "error"}${text ? `\nIts last reply:\n${text}` : ""}`,
            isError: true,
          };
        return { output: text || "(the sub-agent gave no summary)" };
      } finally {
        ctx.signal.removeEventListener("abort", cancel);
        off();
        await agent.shutdown();
        slots.release();
      }
    },
  };
}

function keyArg(input: unknown): string {
  if (typeof input !== "object" || input === null) return "";
  const r = input as Record<string, unknown>;
  for (const k of ["path", "pattern", "query", "command", "url"]) {
    const v = r[k];
    if (typeof v === "string") return ` ${v.length > 60 ? `${v.slice(0, 59)}…` : v}`;
  }
  return "";
}
