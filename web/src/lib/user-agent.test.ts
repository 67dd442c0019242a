import { expect, test } from "bun:test";
import { describeAgent } from "./user-agent.ts";

test("a session's user agent in a few words", () => {
  expect(
    describeAgent(
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    ),
  ).toBe("Chrome on Linux");
  expect(
    describeAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:133.0) Gecko/20100101 Firefox/133.0"),
  ).toBe("Firefox on macOS");
  expect(
    describeAgent(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    ),
  ).toBe("Safari on iOS");
  expect(describeAgent("Bun/1.4.5")).toBe("Bun/1.4.5");
  expect(describeAgent(null)).toBe("unknown");
  expect(describeAgent("x".repeat(100))).toHaveLength(58);
});
