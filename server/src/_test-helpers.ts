/** Shared by the server's tests: an app over an in-memory database with one token per user. */
import type { LlmClient } from "@loom/runtime/llm";
import { newThreadId, type Thread } from "@loom/runtime/thread";
import { type TestCall, testRequest } from "./_test-request.ts";
import { type AppOptions, createApp } from "./app.ts";
import { createToken } from "./auth/tokens.ts";
import { openDb } from "./db/open.ts";
import { silentLogger } from "./logger.ts";

export function testApp(opts: Partial<AppOptions> & { providers?: Record<string, LlmClient> } = {}) {
  const db = opts.db ?? openDb(":memory:");
  const app = createApp({ log: silentLogger, ...opts, db });
  const alice = createToken(db, { name: "alice" }).token;
  const bob = createToken(db, { name: "bob" }).token;
  const call = (method: string, path: string, o?: TestCall) => app.handle(testRequest(method, path, o));
  return { app, db, alice, bob, call };
}

export function sampleThread(over: Partial<Thread> = {}): Thread {
  return {
    id: newThreadId(),
    version: 0,
    createdAt: "2026-11-01T10:00:00.000Z",
    updatedAt: "2026-11-01T10:00:00.000Z",
    workspace: "/home/ada/proj",
    visibility: "team",
    isPrivate: false,
    messages: [
      { role: "user", content: "Why does the parser hang?" },
      { role: "assistant", content: "The tokenizer loops on a trailing backslash." },
    ],
    ...over,
  };
}
