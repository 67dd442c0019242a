/**
 * One contract every provider plugin passes, run against the fake upstream speaking that
 * provider's wire format. No test reaches the internet.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { LoomError } from "@loom/runtime/errors";
import { LlmError, type LlmEvent, type LlmRequest, type Message } from "@loom/runtime/llm";
import type { Script } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { HARNESSES } from "./harnesses.ts";

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
});
afterAll(async () => {
  await up.stop();
});

const TOOLS = [
  {
    name: "read_file",
    description: "Read a file",
    inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  },
  {
    name: "bash",
    description: "Run a command",
    inputSchema: { type: "object", properties: { cmd: { type: "string" } } },
  },
];

async function collect(events: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function failure(run: () => Promise<unknown>): Promise<LlmError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof LlmError) return e;
    throw new Error(`expected an LlmError, got ${String(e)}`);
  }
  throw new Error("expected the call to fail");
}

function completedOf(events: LlmEvent[]) {
  const completed = events.filter((e) => e.type === "completed");
  expect(completed).toHaveLength(1);
  expect(events.at(-1)?.type).toBe("completed");
  const last = completed[0];
  if (last?.type !== "completed") throw new Error("unreachable");
  return last.response;
}

describe.each(HARNESSES)("$name provider contract", (h) => {
  const request = (messages: Message[] = [{ role: "user", content: "Hi" }]): LlmRequest => ({
    model: h.model,
    system: "You are Loom.",
    messages,
    tools: TOOLS,
    maxTokens: 1024,
  });
  const play = (script: Script): void => up.setScript(script);
  const client = (settings?: Record<string, unknown>) => h.create(up, { idleTimeoutMs: 2000, ...settings });

  test("plain text turn: complete", async () => {
    play({ turns: [{ text: "Hello there.", usage: { input: 21, output: 4 } }] });
    const res = await client().complete(request());
    expect(res.message).toEqual({ role: "assistant", content: "Hello there." });
    expect(res.finishReason).toBe("end_turn");
    expect(res.usage).toMatchObject({ inputTokens: 21, outputTokens: 4 });
    expect(up.requests).toHaveLength(1);
    expect(up.requests[0]?.stream).toBe(false);
    expect(h.systemOf(up.requests[0]?.body)).toBe("You are Loom.");
  });

  test("images in a user message go out in the provider's image format, beside the text", async () => {
    play({ turns: [{ text: "A red dot." }] });
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    const images = [
      { mimeType: "image/png", data: png },
      { mimeType: "image/jpeg", data: "/9j/4AAQSkZJRg==" },
    ];
    await collect(client().stream(request([{ role: "user", content: "What is this?", images }])));
    expect(h.lastUserOf(up.requests[0]?.body)).toEqual({ text: "What is this?", images });
  });

  test("plain text turn: stream yields deltas in order, then exactly one completed", async () => {
    play({ turns: [{ text: ["Hel", "lo", " world"] }] });
    const events = await collect(client().stream(request()));
    const deltas = events.filter((e) => e.type === "text.delta").map((e) => e.text);
    expect(deltas).toEqual(["Hel", "lo", " world"]);
    const res = completedOf(events);
    expect(res.message.content).toBe("Hello world");
    expect(res.finishReason).toBe("end_turn");
    expect(up.requests[0]?.stream).toBe(true);
    expect(h.systemOf(up.requests[0]?.body)).toBe("You are Loom.");
  });

  test("tool-call turn: arguments stream in and parse to the input", async () => {
    play({
      turns: [
        { toolCalls: [{ id: "call_read", name: "read_file", argsChunks: ['{"pa', 'th": "src/', 'a.ts"}'] }] },
      ],
    });
    const events = await collect(client().stream(request()));
    const start = events.find((e) => e.type === "tool_call.start");
    expect(start).toMatchObject({ index: 0, id: "call_read", name: "read_file" });
    const args = events
      .flatMap((e) => (e.type === "tool_call.delta" && e.index === 0 ? [e.argsDelta] : []))
      .join("");
    expect(JSON.parse(args)).toEqual({ path: "src/a.ts" });
    const res = completedOf(events);
    expect(res.finishReason).toBe("tool_use");
    expect(res.message.toolCalls).toEqual([
      { id: "call_read", name: "read_file", input: { path: "src/a.ts" } },
    ]);
  });

  test("multi-block response: text and two tool calls (stream and complete agree)", async () => {
    const turn = {
      text: ["Let me look", "."],
      toolCalls: [
        { name: "read_file", input: { path: "README.md" } },
        { name: "bash", input: { cmd: "ls -la" } },
      ],
    };
    play({ turns: [turn, turn] });
    const llm = client();
    const events = await collect(llm.stream(request()));
    const starts = events.filter((e) => e.type === "tool_call.start");
    expect(starts.map((e) => e.index)).toEqual([0, 1]);
    const streamed = completedOf(events);
    const completed = await llm.complete(request());
    for (const res of [streamed, completed]) {
      expect(res.message.content).toBe("Let me look.");
      expect(res.finishReason).toBe("tool_use");
      const calls = res.message.toolCalls ?? [];
      expect(calls.map((c) => [c.name, c.input])).toEqual([
        ["read_file", { path: "README.md" }],
        ["bash", { cmd: "ls -la" }],
      ]);
      expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    }
  });

  test("tool results go back in the provider's format, paired with their calls", async () => {
    play({
      turns: [
        {
          toolCalls: [
            { id: "c1", name: "read_file", input: { path: "a.ts" } },
            { id: "c2", name: "bash", input: { cmd: "false" } },
          ],
        },
        { text: "Done." },
      ],
    });
    const llm = client();
    const first = await llm.complete(request());
    const calls = first.message.toolCalls ?? [];
    expect(calls).toHaveLength(2);
    const history: Message[] = [
      { role: "user", content: "Hi" },
      first.message,
      { role: "tool", toolCallId: calls[0]?.id ?? "", name: "read_file", content: "export const a = 1;" },
      { role: "tool", toolCallId: calls[1]?.id ?? "", name: "bash", content: "exit code 1", isError: true },
    ];
    const second = await collect(llm.stream(request(history)));
    expect(completedOf(second).message.content).toBe("Done.");

    const wire = h.exchangeOf(up.requests[1]?.body);
    expect(wire.calls).toEqual([
      { id: "c1", name: "read_file", input: { path: "a.ts" } },
      { id: "c2", name: "bash", input: { cmd: "false" } },
    ]);
    expect(wire.results.map((r) => [r.id, r.content, r.isError])).toEqual([
      ["c1", "export const a = 1;", false],
      ["c2", "exit code 1", true],
    ]);
  });

  test("usage is reported, cached input separately from uncached", async () => {
    const usage = { input: 100, output: 20, cacheRead: 30, cacheWrite: 5 };
    play({
      turns: [
        { text: "ok", usage },
        { text: "ok", usage },
      ],
    });
    const llm = client();
    const events = await collect(llm.stream(request()));
    // Providers may report running totals on the way; the last report is the request's usage.
    const reported = events.findLast((e) => e.type === "usage");
    const expected = {
      inputTokens: 100,
      outputTokens: 20,
      cacheReadTokens: 30,
      ...(h.reportsCacheWrites ? { cacheWriteTokens: 5 } : {}),
    };
    expect(reported).toEqual({ type: "usage", usage: expected });
    expect(completedOf(events).usage).toEqual(expected);
    expect((await llm.complete(request())).usage).toEqual(expected);
  });

  describe("errors", () => {
    test("429 with retry-after is rate_limited with retryAfterMs, and the SDK does not retry", async () => {
      play({
        turns: [{ error: { status: 429, message: "Too many requests", headers: { "retry-after": "7" } } }],
      });
      const err = await failure(() => collect(client().stream(request())));
      expect(err.kind).toBe("rate_limited");
      expect(err.code).toBe("RATE_LIMITED");
      expect(err.status).toBe(429);
      expect(err.retryAfterMs).toBe(7000);
      expect(up.requests).toHaveLength(1);
    });

    test("529 overloaded is transient and keeps the server's retry-after", async () => {
      play({ turns: [{ error: { status: 529, message: "Overloaded", headers: { "retry-after": "3" } } }] });
      const err = await failure(() => client().complete(request()));
      expect(err.kind).toBe("transient");
      expect(err.status).toBe(529);
      expect(err.retryAfterMs).toBe(3000);
      expect(up.requests).toHaveLength(1);
    });

    test("a refused connection is transient, named as a connection failure", async () => {
      const closed = await startFakeUpstream({ script: { turns: [] } });
      await closed.stop();
      const err = await failure(() => collect(h.create(closed, { idleTimeoutMs: 2000 }).stream(request())));
      expect(err.kind).toBe("transient");
      expect(err.message).toContain("connection failed");
    });

    test("500 is transient, not retried by the SDK", async () => {
      play({ turns: [{ error: { status: 500, message: "Internal error" } }, { text: "retried!" }] });
      const err = await failure(() => collect(client().stream(request())));
      expect(err.kind).toBe("transient");
      expect(err.code).toBe("LLM_TRANSIENT");
      expect(up.requests).toHaveLength(1);
    });

    test.each([400, 401, 403])("%i is permanent and carries the provider's message", async (status) => {
      play({ turns: [{ error: { status, message: `upstream says no (${status})` } }] });
      const err = await failure(() => client().complete(request()));
      expect(err.kind).toBe("permanent");
      expect(err.code).toBe("LLM_PERMANENT");
      expect(err.status).toBe(status);
      expect(err.message).toContain(`upstream says no (${status})`);
      expect(err.message).not.toContain("\n");
    });

    test("connection reset mid-stream is a transient error after the first deltas", async () => {
      play({ turns: [{ text: ["partial", " answer"], fault: "disconnect" }] });
      const seen: LlmEvent[] = [];
      const err = await failure(async () => {
        for await (const e of client().stream(request())) seen.push(e);
      });
      expect(err.kind).toBe("transient");
      expect(seen.find((e) => e.type !== "usage")).toEqual({ type: "text.delta", text: "partial" });
      expect(seen.some((e) => e.type === "completed")).toBe(false);
    });

    test("a stream that ends without its terminal event is transient", async () => {
      play({ turns: [{ text: ["cut", " short"], fault: "truncate" }] });
      const err = await failure(() => collect(client().stream(request())));
      expect(err.kind).toBe("transient");
      expect(err.message).toContain("ended before");
    });

    test("malformed JSON in the stream is a clean transient error", async () => {
      play({ turns: [{ text: ["ok"], fault: "malformed" }] });
      const err = await failure(() => collect(client().stream(request())));
      expect(err.kind).toBe("transient");
      expect(err.message).toContain("malformed");
    });

    test("an error event inside the stream is an LlmError", async () => {
      play({ turns: [{ text: ["ok"], fault: "stream_error" }] });
      const err = await failure(() => collect(client().stream(request())));
      expect(err.kind).toBe("transient");
      expect(err.message.toLowerCase()).toContain("overloaded");
    });

    test("a stalled stream fails on the idle timeout instead of hanging", async () => {
      play({ turns: [{ text: ["thinking"], fault: "stall" }], stallMs: 5000 });
      const err = await failure(() => collect(client({ idleTimeoutMs: 150 }).stream(request())));
      expect(err.kind).toBe("transient");
      expect(err.message).toContain("no data");
    });

    test("an upstream that never answers fails on the idle timeout", async () => {
      play({ turns: [{ text: "late", delayMs: 1500 }] });
      const err = await failure(() => collect(client({ idleTimeoutMs: 150 }).stream(request())));
      expect(err.kind).toBe("transient");
    });
  });

  test("aborting the signal stops the stream promptly", async () => {
    play({ turns: [{ text: ["first"], fault: "stall" }], stallMs: 5000 });
    const controller = new AbortController();
    const seen: LlmEvent[] = [];
    const err = await failure(async () => {
      for await (const e of client({ idleTimeoutMs: 4000 }).stream(request(), controller.signal)) {
        // An early usage report (input tokens) may come first; stop at the first content.
        if (e.type === "usage") continue;
        seen.push(e);
        controller.abort();
      }
    });
    expect(seen).toEqual([{ type: "text.delta", text: "first" }]);
    expect(err.kind).toBe("permanent");
    expect(err.message).toContain("cancelled");
  });

  test("an already-aborted signal fails before anything is sent", async () => {
    play({ turns: [{ text: "never" }] });
    const err = await failure(() => client().complete(request(), AbortSignal.abort()));
    expect(err.message).toContain("cancelled");
  });

  test("missing credentials name the variable to set", () => {
    let thrown: unknown;
    try {
      h.createWithoutCredentials();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(LoomError);
    expect((thrown as LoomError).code).toBe("MISSING_CREDENTIALS");
    expect((thrown as LoomError).message).toContain(h.missingEnv);
    expect(h.definition.apiKeyEnv).toBe(h.apiKeyEnv ?? h.missingEnv);
  });
});
