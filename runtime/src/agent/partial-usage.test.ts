import { expect, test } from "bun:test";
import { partialUsage } from "./partial-usage.ts";

test("the stream's report is kept; output is estimated from the text when the report is behind", () => {
  const reported = { inputTokens: 0, outputTokens: 1, cacheReadTokens: 5000 };
  expect(partialUsage({ sentChars: 99_999, receivedChars: 2, reported })).toEqual(reported);
  expect(partialUsage({ sentChars: 99_999, receivedChars: 40, reported })).toEqual({
    ...reported,
    outputTokens: 10,
    estimated: true,
  });
});

test("with no report (or an empty one), everything is estimated from the characters", () => {
  const none = { sentChars: 4001, receivedChars: 9 };
  expect(partialUsage(none)).toEqual({ inputTokens: 1001, outputTokens: 3, estimated: true });
  const empty = { ...none, reported: { inputTokens: 0, outputTokens: 0 } };
  expect(partialUsage(empty)).toEqual({ inputTokens: 1001, outputTokens: 3, estimated: true });
});
