/**
 * Extism keeps a plugin's blocks (what the kernel's `alloc` hands out: the call's input and
 * output, host-function results, anything the guest allocates) in JS ArrayBuffers outside the
 * guest's linear memory, so the memory-section cap (wasm-module.ts) does not bound them.
 * Extism 2.0.0-rc13's own `memory.maxPages` check is no bound either: it keeps the refused
 * block, answers 0 (which a guest may ignore and ask again), logs to the console and sums every
 * block on each allocation.
 *
 * A budget charges each block of a call `size + BLOCK_OVERHEAD` bytes against `memoryMb` (the
 * overhead bounds a flood of tiny blocks) and, past it, throws `TOOL_MEMORY` from inside the
 * allocation, which unwinds the guest and ends the call. Blocks the guest freed stop counting:
 * when a charge would pass the cap, the live blocks are counted again first. Extism starts
 * every call with no blocks, so `reset` at the start of a call starts from zero.
 *
 * Every allocation goes through the context's `alloc` method (the kernel import and Extism's
 * own stores both call it), so the budget replaces that method on the call context the first
 * time it sees the context: in the kernel `alloc` import or in any host function.
 */
import type { CallContext } from "@extism/extism";
import { LoomError } from "../errors.ts";

/** Bytes charged per block on top of its size: the JS objects Extism keeps for it. */
export const BLOCK_OVERHEAD = 1024;

type Alloc = (size: number | bigint) => bigint;

export interface BlockBudget {
  /** Replaces the kernel's `alloc` import (`extism:host/env`). */
  alloc(ctx: CallContext, size: bigint): bigint;
  /** Makes every allocation on `ctx` go through the budget; cheap once done. */
  watch(ctx: CallContext): void;
  /** A call starts: Extism has dropped the previous call's blocks. */
  reset(): void;
}

export function createBlockBudget(plugin: string, memoryMb: number): BlockBudget {
  const cap = memoryMb * 1024 * 1024;
  /** Block address → bytes charged, for this call. */
  const live = new Map<bigint, number>();
  let used = 0;
  let watched: CallContext | undefined;

  /** Drops the blocks Extism no longer holds (freed by the guest or by Extism itself). */
  function recount(ctx: CallContext): void {
    for (const [addr, cost] of live) {
      if (ctx.read(addr) === null) {
        live.delete(addr);
        used -= cost;
      }
    }
  }

  function charge(ctx: CallContext, size: number): number {
    const cost = size + BLOCK_OVERHEAD;
    if (used + cost > cap) recount(ctx);
    if (used + cost > cap) {
      throw new LoomError(
        "TOOL_MEMORY",
        `plugin ${plugin} allocated more than ${memoryMb} MiB of host blocks (input, output, buffers) in one call and was stopped (limits.memoryMb)`,
      );
    }
    used += cost;
    return cost;
  }

  function watch(ctx: CallContext): void {
    if (watched === ctx) return;
    watched = ctx;
    const original = (Object.getPrototypeOf(ctx) as { alloc: Alloc }).alloc;
    const budgeted: Alloc = (size) => {
      const cost = charge(ctx, Number(size));
      const addr = original.call(ctx, size);
      live.set(addr, cost);
      return addr;
    };
    Object.defineProperty(ctx, "alloc", { value: budgeted, configurable: true, writable: true });
  }

  return {
    alloc(ctx, size) {
      watch(ctx);
      return ctx.alloc(size);
    },
    watch,
    reset() {
      live.clear();
      used = 0;
    },
  };
}
