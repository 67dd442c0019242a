/** Test fakes: a scripted in-memory LlmClient and simple tools. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AssistantMessage, LlmClient, LlmEvent, LlmRequest } from "@loom/runtime/llm";
import type { Tool } from "@loom/runtime/tool";

export interface ScriptedLlm extends LlmClient {
  requests: LlmRequest[];
}

/** Answers each request with the next message of the script (the last one repeats). */
export function scriptedLlm(script: AssistantMessage[]): ScriptedLlm {
  const requests: LlmRequest[] = [];
  let i = 0;
  const next = (req: LlmRequest) => {
    requests.push(structuredClone(req));
    const message = script[Math.min(i++, script.length - 1)]!;
    return {
      model: req.model,
      message,
      usage: { inputTokens: 100, outputTokens: 10 },
      finishReason: message.toolCalls?.length ? ("tool_use" as const) : ("end_turn" as const),
    };
  };
  return {
    provider: "fake",
    requests,
    async complete(req) {
      return next(req);
    },
    async *stream(req): AsyncIterable<LlmEvent> {
      const response = next(req);
      if (response.message.content) yield { type: "text.delta", text: response.message.content };
      yield { type: "completed", response };
    },
  };
}

export function readTool(): Tool {
  return {
    name: "read_file",
    description: "read",
    inputSchema: { type: "object", properties: { path: { type: "string" } } },
    invoke: async () => ({ output: "contents" }),
  };
}

export function writeTool(): Tool {
  return {
    name: "write_file",
    description: "write",
    mutating: true,
    inputSchema: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } } },
    invoke: async (input, ctx) => {
      const { path, content } = input as { path: string; content: string };
      writeFileSync(join(ctx.workspaceRoot, path), content);
      return { output: `wrote ${path}` };
    },
  };
}
