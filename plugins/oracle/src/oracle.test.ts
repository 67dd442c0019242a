import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type LlmClient,
  LlmError,
  type LlmEvent,
  type LlmRequest,
  type LlmResponse,
} from "@loom/runtime/llm";
import type { ToolContext } from "@loom/runtime/tool";
import { createOracleTool, MAX_FILE_BYTES } from "./oracle.ts";

/** In-memory LlmClient: records requests, answers with a scripted function. */
function memoryLlm(answer: (r: LlmRequest) => string | Error): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  const complete = async (request: LlmRequest): Promise<LlmResponse> => {
    requests.push(request);
    const a = answer(request);
    if (a instanceof Error) throw a;
    return {
      model: request.model,
      message: { role: "assistant", content: a },
      usage: { inputTokens: 10, outputTokens: 5 },
      finishReason: "end_turn",
    };
  };
  return {
    provider: "memory",
    requests,
    complete,
    async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
      yield { type: "completed", response: await complete(request) };
    },
  };
}

const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-oracle-")));
writeFileSync(join(root, "plan.md"), "1. do it\n");
writeFileSync(join(root, "huge.txt"), "z".repeat(MAX_FILE_BYTES + 10));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ctx = (extra: Partial<ToolContext> = {}): ToolContext => ({
  workspaceRoot: root,
  signal: new AbortController().signal,
  callId: "o",
  ...extra,
});

describe("oracle", () => {
  test("asks the context's model with question, context and files", async () => {
    const llm = memoryLlm(() => "Looks fine.");
    const tool = createOracleTool();
    const r = await tool.invoke(
      { question: "Is the plan sound?", context: "we ship today", files: ["plan.md", "huge.txt"] },
      ctx({ llm, oracleModel: "big-model" }),
    );
    expect(r).toEqual({
      output: { answer: "Looks fine.", model: "big-model", usage: { inputTokens: 10, outputTokens: 5 } },
    });
    const req = llm.requests[0]!;
    expect(req.model).toBe("big-model");
    expect(req.system).toContain("oracle");
    const content = req.messages[0]?.content ?? "";
    expect(content).toContain("Is the plan sound?");
    expect(content).toContain("we ship today");
    expect(content).toContain("File plan.md:\n```\n1. do it\n");
    expect(content).toContain(`File huge.txt (first ${MAX_FILE_BYTES} of ${MAX_FILE_BYTES + 10} bytes)`);
  });

  test("a fixed source wins over the context", async () => {
    const fixed = memoryLlm(() => "fixed");
    const r = await createOracleTool({ llm: fixed, model: "m1" }).invoke({ question: "q" }, ctx());
    expect(r.output).toMatchObject({ answer: "fixed", model: "m1" });
  });

  test("no configured model, files outside the workspace and LLM errors become error results", async () => {
    expect((await createOracleTool().invoke({ question: "q" }, ctx())).output).toMatchObject({
      code: "CONFIG_INVALID",
    });
    const llm = memoryLlm(() => new LlmError("rate_limited", "slow down", { retryAfterMs: 1000 }));
    const c = ctx({ llm, oracleModel: "m" });
    expect((await createOracleTool().invoke({ question: "q", files: ["../etc"] }, c)).output).toMatchObject({
      code: "PATH_OUTSIDE_WORKSPACE",
    });
    const r = await createOracleTool().invoke({ question: "q" }, c);
    expect(r.isError).toBe(true);
    expect(Bun.spawnSync(["mkfifo", join(root, "pipe")]).exitCode).toBe(0);
    expect((await createOracleTool().invoke({ question: "q", files: ["pipe"] }, c)).output).toMatchObject({
      code: "INVALID_INPUT",
      message: `${join(root, "pipe")}: not read: it is not a regular file`,
    });
    expect(r.output).toMatchObject({ code: "RATE_LIMITED", message: "slow down" });
  });
});
