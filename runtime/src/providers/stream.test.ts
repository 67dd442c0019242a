import { describe, expect, test } from "bun:test";
import { LlmError } from "../llm.ts";
import { awaitWithin, createRequestScope, guardStream, ResponseBuilder } from "./stream.ts";

async function* items<T>(values: T[], gapMs = 0): AsyncGenerator<T> {
  for (const v of values) {
    if (gapMs) await Bun.sleep(gapMs);
    yield v;
  }
}

/** A source that yields once, then never again (until cancelled); `blocked` settles at that second read. */
function stalled(): { source: AsyncIterable<number>; cancelled: () => boolean; blocked: Promise<void> } {
  let cancelled = false;
  let onBlocked = (): void => {};
  const blocked = new Promise<void>((resolve) => {
    onBlocked = resolve;
  });
  const iterator: AsyncIterator<number> = {
    next: (() => {
      let first = true;
      return () => {
        if (first) {
          first = false;
          return Promise.resolve({ done: false, value: 1 });
        }
        onBlocked();
        return new Promise<IteratorResult<number>>(() => undefined);
      };
    })(),
    return: () => {
      cancelled = true;
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return { source: { [Symbol.asyncIterator]: () => iterator }, cancelled: () => cancelled, blocked };
}

async function drain<T>(it: AsyncIterable<T>, seen: T[] = []): Promise<T[]> {
  for await (const v of it) seen.push(v);
  return seen;
}

describe("guardStream", () => {
  test("passes items through when they keep coming", async () => {
    const out = await drain(
      guardStream(items([1, 2, 3], 5), { provider: "p", idleMs: 500, signal: undefined, cancel: () => {} }),
    );
    expect(out).toEqual([1, 2, 3]);
  });

  test("leaving the loop early cancels the request", async () => {
    const { source, cancelled } = stalled();
    let cancels = 0;
    for await (const v of guardStream(source, {
      provider: "p",
      idleMs: 60_000,
      signal: undefined,
      cancel: () => cancels++,
    })) {
      expect(v).toBe(1);
      break;
    }
    expect(cancels).toBe(1);
    expect(cancelled()).toBe(true);
  });

  test("a stalled source fails with a transient idle error and is cancelled", async () => {
    const { source, cancelled } = stalled();
    let cancels = 0;
    const seen: number[] = [];
    const err = await drain(
      guardStream(source, { provider: "p", idleMs: 30, signal: undefined, cancel: () => cancels++ }),
      seen,
    ).catch((e) => e);
    expect(seen).toEqual([1]);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe("transient");
    expect(cancels).toBe(1);
    expect(cancelled()).toBe(true);
  });

  test("aborting interrupts a blocked read at once", async () => {
    const { source, blocked } = stalled();
    const controller = new AbortController();
    const seen: number[] = [];
    const pending = drain(
      guardStream(source, { provider: "p", idleMs: 60_000, signal: controller.signal, cancel: () => {} }),
      seen,
    );
    // Abort once the guard is really waiting on the stalled read (after the first item).
    await blocked;
    controller.abort();
    const err = (await pending.catch((e) => e)) as LlmError;
    expect(err.message).toBe("p: request cancelled");
    expect(seen).toEqual([1]);
  });

  test("a source that ends quietly after an abort still reports the cancellation", async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await drain(
      guardStream(items([]), { provider: "p", idleMs: 100, signal: controller.signal, cancel: () => {} }),
    ).catch((e) => e);
    expect((err as LlmError).message).toContain("cancelled");
  });
});

test("awaitWithin times out a promise that never settles and cancels the request", async () => {
  let cancelled = false;
  const err = await awaitWithin(new Promise(() => undefined), {
    provider: "p",
    idleMs: 20,
    signal: undefined,
    cancel: () => {
      cancelled = true;
    },
  }).catch((e) => e);
  expect((err as LlmError).kind).toBe("transient");
  expect(cancelled).toBe(true);
});

test("createRequestScope follows the parent signal until disposed", () => {
  const parent = new AbortController();
  const scope = createRequestScope(parent.signal);
  parent.abort();
  expect(scope.signal.aborted).toBe(true);
  const other = new AbortController();
  const disposed = createRequestScope(other.signal);
  disposed.dispose();
  other.abort();
  expect(disposed.signal.aborted).toBe(false);
});

describe("ResponseBuilder", () => {
  test("assembles text and tool calls from interleaved deltas", () => {
    const b = new ResponseBuilder("p");
    b.add({ type: "text.delta", text: "Hi " });
    b.add({ type: "tool_call.start", index: 0, id: "a", name: "read_file" });
    b.add({ type: "tool_call.start", index: 1, id: "b", name: "bash" });
    b.add({ type: "tool_call.delta", index: 1, argsDelta: '{"cmd":' });
    b.add({ type: "tool_call.delta", index: 0, argsDelta: '{"path":"x"}' });
    b.add({ type: "tool_call.delta", index: 1, argsDelta: '"ls"}' });
    b.add({ type: "text.delta", text: "there" });
    const res = b.build("m", "tool_use", { inputTokens: 1, outputTokens: 2 });
    expect(res.message).toEqual({
      role: "assistant",
      content: "Hi there",
      toolCalls: [
        { id: "a", name: "read_file", input: { path: "x" } },
        { id: "b", name: "bash", input: { cmd: "ls" } },
      ],
    });
  });

  test("no arguments means {}; broken JSON is a transient error", () => {
    const b = new ResponseBuilder("p");
    b.add({ type: "tool_call.start", index: 0, id: "a", name: "t" });
    expect(
      b.build("m", "tool_use", { inputTokens: 0, outputTokens: 0 }).message.toolCalls?.[0]?.input,
    ).toEqual({});
    b.add({ type: "tool_call.delta", index: 0, argsDelta: '{"x":' });
    expect(() => b.build("m", "tool_use", { inputTokens: 0, outputTokens: 0 })).toThrow(LlmError);
  });
});
