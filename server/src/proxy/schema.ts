/** The wire schema of `LlmRequest` (runtime/src/llm.ts) for validating proxy bodies. */
import type { LlmRequest } from "@loom/runtime/llm";
import { MessageSchema } from "@loom/runtime/thread";
import { type Static, t } from "elysia";

export const LlmRequestSchema = t.Object({
  model: t.String({ minLength: 1 }),
  system: t.Optional(t.String()),
  messages: t.Array(MessageSchema),
  tools: t.Optional(
    t.Array(
      t.Object({ name: t.String(), description: t.String(), inputSchema: t.Record(t.String(), t.Unknown()) }),
    ),
  ),
  maxTokens: t.Optional(t.Integer({ minimum: 1 })),
  temperature: t.Optional(t.Number({ minimum: 0, maximum: 2 })),
});

// Compile-time check that the schema and the contract agree.
const _check: (r: Static<typeof LlmRequestSchema>) => LlmRequest = (r) => r;
void _check;
