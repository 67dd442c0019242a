import { expect, test } from "bun:test";
import { createLogger } from "../logger.ts";
import { keyOf, type UsageRow, usageRow } from "./usage-rows.ts";
import { createUsageTrouble } from "./usage-trouble.ts";

function setup() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ write: (l) => lines.push(JSON.parse(l)) });
  return { lines, trouble: createUsageTrouble(log, 2) };
}

const row = (model: string, inputTokens = 10): UsageRow =>
  usageRow(
    { userId: "alice", via: "token", tokenId: "tok_a" },
    { provider: "anthropic", model, inputTokens, outputTokens: 1 },
    new Date("2026-12-03T12:00:00Z"),
    0.5,
  );

test("failed writes log once per streak, with the code and the error's first line cut to 200 characters", () => {
  const { lines, trouble } = setup();
  const e = Object.assign(new Error(`${"x".repeat(300)}\nsecond line`), { code: "SQLITE_FULL" });
  trouble.writeFailed(e, { code: "SQLITE_FULL", pendingRows: 3, retrying: true });
  trouble.writeFailed(new Error("again"), { code: undefined, pendingRows: 4, retrying: true });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: "error",
    event: "usage.write_failed",
    code: "SQLITE_FULL",
    message: "x".repeat(200),
    pendingRows: 3,
    retrying: true,
  });
  trouble.recovered();
  trouble.writeFailed("not an Error", { code: undefined, pendingRows: 1, retrying: false });
  expect(lines[1]).toMatchObject({ event: "usage.write_failed", message: "not an Error", retrying: false });
});

test("a full queue logs the first row it drops, once per streak", () => {
  const { lines, trouble } = setup();
  trouble.queueFull(row("m1"));
  trouble.queueFull(row("m2"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    event: "usage.lost",
    reason: "queue full (2 rows waiting for the database)",
    provider: "anthropic",
    model: "m1",
    requests: 1,
    inputTokens: 10,
    outputTokens: 1,
  });
  trouble.recovered();
  trouble.queueFull(row("m3"));
  expect(lines.map((l) => l.model)).toEqual(["m1", "m3"]);
});

test("what is given up is logged with its totals; nothing left, no line", () => {
  const { lines, trouble } = setup();
  trouble.lost("shutdown", new Map());
  expect(lines).toHaveLength(0);
  const pending = new Map([row("m1", 10), row("m2", 5)].map((r) => [keyOf(r), r]));
  trouble.lost("database still busy after 5 ms at shutdown", pending);
  expect(lines[0]).toMatchObject({
    event: "usage.lost",
    reason: "database still busy after 5 ms at shutdown",
    rows: 2,
    requests: 2,
    inputTokens: 15,
    outputTokens: 2,
  });
});

test("a row is keyed by day, token, provider and model; a session without a token counts as its user", () => {
  const r = usageRow(
    { userId: "bob", via: "session" },
    { provider: "openai", model: "gpt", inputTokens: 1, outputTokens: 2 },
    new Date("2026-12-03T23:59:59Z"),
    0,
  );
  expect(r).toMatchObject({ day: "2026-12-03", tokenId: "user:bob", userId: "bob", requests: 1 });
  expect(keyOf(r)).toBe(JSON.stringify(["2026-12-03", "user:bob", "openai", "gpt"]));
});
