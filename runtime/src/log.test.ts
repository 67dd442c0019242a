import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoomError } from "./errors.ts";
import { createLogger, isSecretKey, type LogSink, redact } from "./log.ts";
import { Secret } from "./secret.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixed = () => new Date("2026-01-02T03:04:05.678Z");

function collector(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => lines.push(chunk) };
}

describe("createLogger", () => {
  test("writes JSON lines to the default file under the state dir, creating dirs and appending", () => {
    const env = { HOME: dir, XDG_STATE_HOME: join(dir, "state") };
    const first = createLogger({ format: "json", env, now: fixed });
    first.info("started", { pid: 1 });
    first.close();
    const second = createLogger({ format: "json", env, now: fixed });
    second.warn("again");
    second.close();
    const lines = readFileSync(join(dir, "state", "loom", "logs", "loom.log"), "utf8")
      .trimEnd()
      .split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: "2026-01-02T03:04:05.678Z", level: "info", msg: "started", pid: 1 },
      { time: "2026-01-02T03:04:05.678Z", level: "warn", msg: "again" },
    ]);
  });

  test("redacts Secret values and secret-named fields in the file", () => {
    const file = join(dir, "nested", "a.log");
    const log = createLogger({ format: "json", file, now: fixed });
    log.info("request", {
      key: new Secret("sk-live-123"),
      api_key: "sk-plain-456",
      headers: { Authorization: "Bearer abc", "x-request-id": "r1" },
      token: "t-789",
      input_tokens: 12,
    });
    log.close();
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("sk-live-123");
    expect(text).not.toContain("sk-plain-456");
    expect(text).not.toContain("Bearer abc");
    expect(text).not.toContain("t-789");
    expect(JSON.parse(text)).toMatchObject({
      key: "[redacted]",
      api_key: "[redacted]",
      headers: { Authorization: "[redacted]", "x-request-id": "r1" },
      token: "[redacted]",
      input_tokens: 12,
    });
  });

  test("a file over the size cap is moved aside to .1 when opened", () => {
    const file = join(dir, "rotate.log");
    writeFileSync(file, "old line that is long enough\n");
    const log = createLogger({ format: "json", file, maxFileBytes: 10, now: fixed });
    log.info("fresh");
    log.close();
    expect(readFileSync(`${file}.1`, "utf8")).toBe("old line that is long enough\n");
    expect(JSON.parse(readFileSync(file, "utf8")).msg).toBe("fresh");
  });

  test("pretty format is one readable line with key=value fields", () => {
    const out = collector();
    const log = createLogger({ stream: out, now: fixed });
    log.info("tool done", { tool: "bash", exit: 0, note: "two words", api_key: new Secret("s") });
    expect(out.lines).toEqual([
      '2026-01-02T03:04:05.678Z INFO  tool done tool=bash exit=0 note="two words" api_key=[redacted]\n',
    ]);
  });

  test("levels below the threshold are dropped", () => {
    const out = collector();
    const log = createLogger({ level: "warn", format: "json", stream: out, now: fixed });
    log.trace("t");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(out.lines.map((l) => JSON.parse(l).level)).toEqual(["warn", "error"]);
    expect(log.enabled("info")).toBe(false);
    expect(log.enabled("error")).toBe(true);
  });

  test("child loggers bind fields; call fields win; parents are unchanged", () => {
    const out = collector();
    const root = createLogger({ format: "json", stream: out, now: fixed, fields: { app: "loom" } });
    const child = root.child({ thread: "T-1", step: 1 }).child({ step: 2 });
    child.info("step", { extra: true });
    root.info("root");
    expect(out.lines.map((l) => JSON.parse(l))).toEqual([
      {
        time: "2026-01-02T03:04:05.678Z",
        level: "info",
        msg: "step",
        app: "loom",
        thread: "T-1",
        step: 2,
        extra: true,
      },
      { time: "2026-01-02T03:04:05.678Z", level: "info", msg: "root", app: "loom" },
    ]);
  });

  test("errors serialise with code and redacted details", () => {
    const out = collector();
    const log = createLogger({ format: "json", stream: out, now: fixed });
    log.error("failed", { err: new LoomError("CONFIG_INVALID", "bad", { api_key: "sk-x" }) });
    const record = JSON.parse(out.lines[0] ?? "{}");
    expect(record.err).toMatchObject({ name: "LoomError", message: "bad", code: "CONFIG_INVALID" });
    expect(record.err.details).toEqual({ api_key: "[redacted]" });
  });
});

describe("redaction", () => {
  test("secret key names", () => {
    for (const k of [
      "api_key",
      "apiKey",
      "x-api-key",
      "Authorization",
      "token",
      "access_token",
      "password",
    ]) {
      expect(isSecretKey(k)).toBe(true);
    }
    for (const k of ["max_tokens", "input_tokens", "model", "base_url"]) expect(isSecretKey(k)).toBe(false);
  });

  test("handles cycles and leaves the input untouched", () => {
    const value: Record<string, unknown> = { a: 1, token: "x" };
    value.self = value;
    expect(redact(value)).toEqual({ a: 1, token: "[redacted]", self: "[circular]" });
    expect(value.token).toBe("x");
  });
});
