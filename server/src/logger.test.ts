import { describe, expect, test } from "bun:test";
import { createLogger } from "./logger.ts";

describe("logger redaction", () => {
  test("exact secrets (JSON-escaped too), key-shaped text and Loom tokens never reach a line", () => {
    const lines: string[] = [];
    const secret = 'vertex"token\\with-quotes-0123';
    const log = createLogger({
      write: (l) => lines.push(l),
      secrets: () => [secret, "sk-ant-exact-0123456789"],
    });
    log.error("request.failed", {
      message: `upstream said: Incorrect API key provided: sk-proj-********abcd; token ${secret}`,
      also: "sk-ant-exact-0123456789 ya29.a0AfH6SMBx-vertex-adc-token lt_0123456789abcdefghijklmnop",
    });
    const line = lines.join("");
    expect(line).not.toContain("sk-proj-");
    expect(line).not.toContain("sk-ant-exact");
    expect(line).not.toContain("ya29.a0AfH6");
    expect(line).not.toContain("0123456789abcdefghijklmnop");
    expect(line).not.toContain("with-quotes");
    const parsed = JSON.parse(line) as { message: string; also: string };
    expect(parsed.message).toBe("upstream said: Incorrect API key provided: [redacted]; token [redacted]");
    expect(parsed.also).toBe("[redacted] [redacted] lt_[redacted]");
  });
});
