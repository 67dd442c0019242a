/** oracle: asks a second model for a review, a plan or a hard answer, through the LLM contract. */
import { defineTool } from "@loom/runtime/define-tool";
import { LoomError } from "@loom/runtime/errors";
import type { LlmClient } from "@loom/runtime/llm";
import { readOwnFile } from "@loom/runtime/own-file";
import type { Tool, ToolContext } from "@loom/runtime/tool";
import { requireCapability } from "@loom/runtime/tool-capabilities";
import { resolveInWorkspace, workspaceRelative } from "@loom/runtime/workspace-path";
import { type Static, Type } from "@sinclair/typebox";
import description from "./oracle.txt" with { type: "text" };

export const MAX_FILES = 10;
export const MAX_FILE_BYTES = 100 * 1024;
export const MAX_ANSWER_TOKENS = 4096;

export const ORACLE_SYSTEM =
  "You are the oracle: a senior engineer another coding agent consults. Answer the question directly " +
  "and concretely, point to files and lines when the context shows them, say what you are unsure of.";

export const OracleInput = Type.Object(
  {
    question: Type.String({ minLength: 1, description: "What to ask the oracle" }),
    context: Type.Optional(Type.String({ description: "Background the oracle needs: plans, errors, code" })),
    files: Type.Optional(
      Type.Array(Type.String(), {
        maxItems: MAX_FILES,
        description: "Workspace files to attach (100 KiB each)",
      }),
    ),
  },
  { additionalProperties: false },
);

export interface OracleSource {
  llm: LlmClient;
  model: string;
}

/**
 * The oracle tool. With a fixed source it always asks that model; without, it uses `ctx.llm` and
 * `ctx.oracleModel` as the driver sets them.
 *
 * @example
 * const oracle = createOracleTool({ llm: anthropicClient, model: "claude-opus-4" });
 */
export function createOracleTool(source?: OracleSource): Tool {
  return defineTool({
    name: "oracle",
    description,
    input: OracleInput,
    async invoke(input, ctx) {
      const { llm, model } = source ?? sourceFrom(ctx);
      const response = await llm.complete(
        {
          model,
          system: ORACLE_SYSTEM,
          messages: [{ role: "user", content: prompt(input, ctx) }],
          maxTokens: MAX_ANSWER_TOKENS,
        },
        ctx.signal,
      );
      return {
        output: { answer: response.message.content, model: response.model, usage: response.usage },
      };
    },
  });
}

function sourceFrom(ctx: ToolContext): OracleSource {
  if (ctx.llm === undefined || ctx.oracleModel === undefined) {
    throw new LoomError("CONFIG_INVALID", "no oracle model is configured for this session");
  }
  return { llm: ctx.llm, model: ctx.oracleModel };
}

function prompt(input: Static<typeof OracleInput>, ctx: ToolContext): string {
  const parts = [`Question:\n${input.question}`];
  if (input.context) parts.push(`Context:\n${input.context}`);
  if ((input.files ?? []).length > 0) requireCapability(ctx, "read");
  const root = resolveInWorkspace(ctx.workspaceRoot, ".");
  for (const f of input.files ?? []) {
    const abs = resolveInWorkspace(root, f);
    // A FIFO or device in the workspace must not hang the call or be read without end.
    const file = readOwnFile(abs, { root, maxBytes: MAX_FILE_BYTES });
    if (file === undefined) throw new LoomError("NOT_FOUND", `${f} does not exist`);
    const size = file.stat.size;
    const text = file.bytes.toString("utf8");
    const note = file.truncated ? ` (first ${MAX_FILE_BYTES} of ${size} bytes)` : "";
    parts.push(`File ${workspaceRelative(root, abs)}${note}:\n\`\`\`\n${text}\n\`\`\``);
  }
  return parts.join("\n\n");
}
