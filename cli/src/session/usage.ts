/**
 * A thread's running totals: tokens in (cached input included) and out, and cost when the model is
 * priced (`costPartial` when some of the usage was on a model without a known price).
 */
import type { Usage } from "@loom/runtime/llm";
import { costOf } from "@loom/runtime/providers/catalogue";
import type { Thread } from "@loom/runtime/thread";

export function addUsage(prev: Thread["usage"], model: string, u: Usage): NonNullable<Thread["usage"]> {
  const before = prev ?? { inputTokens: 0, outputTokens: 0 };
  const input = u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0);
  const next: NonNullable<Thread["usage"]> = {
    inputTokens: before.inputTokens + input,
    outputTokens: before.outputTokens + u.outputTokens,
  };
  // Counted by Loom for a request cut off before the provider reported its usage.
  if (before.estimated || u.estimated) next.estimated = true;
  const cost = costOf(model, u);
  if (before.costUsd !== undefined || cost !== undefined) {
    next.costUsd = (before.costUsd ?? 0) + (cost ?? 0);
    // Unpriced usage (now, or in turns before the first priced one) makes the total a lower bound.
    const unpricedBefore = before.costUsd === undefined && before.inputTokens + before.outputTokens > 0;
    if (before.costPartial || cost === undefined || unpricedBefore) next.costPartial = true;
  }
  return next;
}
