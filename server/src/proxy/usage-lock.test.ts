import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LlmClient, LlmEvent, LlmResponse } from "@loom/runtime/llm";
import { readSse } from "@loom/sse/read";
import { testApp } from "../_test-helpers.ts";
import { holdWriteLock } from "../db/_lock-holder.ts";
import { openDb } from "../db/open.ts";
import { createDbWriter } from "../db/writer.ts";
import { createLogger } from "../logger.ts";
import { createUsageQueue } from "./usage.ts";

const answer = (model: string): LlmResponse => ({
  model,
  message: { role: "assistant", content: "hello" },
  usage: { inputTokens: 1000, outputTokens: 200 },
  finishReason: "end_turn",
});

const provider: LlmClient = {
  provider: "anthropic",
  async complete(req) {
    return answer(req.model);
  },
  async *stream(req): AsyncIterable<LlmEvent> {
    yield { type: "text.delta", text: "hello" };
    yield { type: "usage", usage: { inputTokens: 1000, outputTokens: 200 } };
    yield { type: "completed", response: answer(req.model) };
  },
};

function setup(o: { maxPending?: number } = {}) {
  const path = join(mkdtempSync(join(tmpdir(), "loom-usage-")), "server.db");
  const db = openDb(path);
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l) });
  const writer = createDbWriter(db.$client, { timeoutMs: 2000 });
  const usage = createUsageQueue(db, {
    writer,
    log,
    clock: () => new Date(),
    retry: { initialMs: 5, maxMs: 20 },
    ...o,
  });
  const h = testApp({ db, writer, usage, log, providers: { anthropic: provider } });
  const body = (model = "claude-sonnet-4-5") => ({ model, messages: [{ role: "user", content: "hi" }] });
  const rows = () =>
    db.$client.query("SELECT model, requests, input_tokens, output_tokens FROM usage ORDER BY model").all();
  return { ...h, path, lines, usage, body, rows };
}

describe("usage accounting while another process holds the write lock", () => {
  test("complete: the caller gets the upstream's answer at once; usage is written when the lock frees", async () => {
    const s = setup();
    const lock = await holdWriteLock(s.path);
    try {
      const res = await s.call("POST", "/proxy/anthropic/complete", { token: s.alice, body: s.body() });
      expect(res.status).toBe(200);
      expect(((await res.json()) as LlmResponse).message.content).toBe("hello");
      expect(s.usage.pending()).toBe(1);
    } finally {
      await lock.release();
    }
    expect(await s.usage.flush()).toBe(true);
    expect(s.rows()).toEqual([
      { model: "claude-sonnet-4-5", requests: 1, input_tokens: 1000, output_tokens: 200 },
    ]);
    expect(s.lines.join("")).not.toMatch(/SQLite|database is locked/);
  });

  test("stream: every event reaches the caller and the usage is not lost", async () => {
    const s = setup();
    const lock = await holdWriteLock(s.path);
    try {
      const res = await s.call("POST", "/proxy/anthropic/stream", { token: s.alice, body: s.body() });
      expect(res.status).toBe(200);
      const events: string[] = [];
      if (res.body) for await (const m of readSse(res.body)) events.push(m.event);
      expect(events).toEqual(["text.delta", "usage", "completed"]);
      expect(s.usage.pending()).toBe(1);
    } finally {
      await lock.release();
    }
    expect(await s.usage.flush()).toBe(true);
    expect(s.rows()).toEqual([
      { model: "claude-sonnet-4-5", requests: 1, input_tokens: 1000, output_tokens: 200 },
    ]);
    expect(s.lines.join("")).not.toMatch(/SQLite|database is locked/);
  });

  test("calls merge into one pending row, retried on a timer until the lock frees", async () => {
    const s = setup();
    const lock = await holdWriteLock(s.path);
    for (let i = 0; i < 3; i++)
      expect(
        (await s.call("POST", "/proxy/anthropic/complete", { token: s.alice, body: s.body() })).status,
      ).toBe(200);
    expect(s.usage.pending()).toBe(1);
    await lock.release();
    // No flush: the queue's own retry timer writes it (bounded wait for that event).
    for (let i = 0; i < 500 && s.usage.pending() > 0; i++) await Bun.sleep(10);
    expect(s.rows()).toEqual([
      { model: "claude-sonnet-4-5", requests: 3, input_tokens: 3000, output_tokens: 600 },
    ]);
  });

  test("a full queue drops new rows with one log line; what it kept is written", async () => {
    const s = setup({ maxPending: 1 });
    const lock = await holdWriteLock(s.path);
    try {
      for (const model of ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"]) {
        const res = await s.call("POST", "/proxy/anthropic/complete", {
          token: s.alice,
          body: s.body(model),
        });
        expect(res.status).toBe(200);
      }
    } finally {
      await lock.release();
    }
    const lost = s.lines.filter((l) => l.includes('"usage.lost"'));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toContain("queue full");
    expect(await s.usage.flush()).toBe(true);
    expect(s.rows()).toEqual([
      { model: "claude-sonnet-4-5", requests: 1, input_tokens: 1000, output_tokens: 200 },
    ]);
  });

  test("shutdown flushes what waits; past its deadline it logs one line with what was lost", async () => {
    const s = setup();
    const lock = await holdWriteLock(s.path);
    try {
      await s.call("POST", "/proxy/anthropic/complete", { token: s.alice, body: s.body() });
      await s
        .call("POST", "/proxy/anthropic/stream", { token: s.alice, body: s.body() })
        .then((r) => r.text());
      await s.usage.close(20);
    } finally {
      await lock.release();
    }
    const lost = s.lines.filter((l) => l.includes('"usage.lost"'));
    expect(lost).toHaveLength(1);
    expect(JSON.parse(lost[0]!)).toMatchObject({
      level: "error",
      requests: 2,
      inputTokens: 2000,
      outputTokens: 400,
    });
    expect(s.usage.pending()).toBe(0);
    expect(s.rows()).toEqual([]);
  });

  test("shutdown with the lock free writes everything pending", async () => {
    const s = setup();
    const lock = await holdWriteLock(s.path);
    await s.call("POST", "/proxy/anthropic/complete", { token: s.alice, body: s.body() });
    await lock.release();
    await s.usage.close();
    expect(s.rows()).toEqual([
      { model: "claude-sonnet-4-5", requests: 1, input_tokens: 1000, output_tokens: 200 },
    ]);
    expect(s.lines.filter((l) => l.includes("usage."))).toEqual([]);
  });
});
