/**
 * Replays every golden log through the machine. A diff fails the test; after an intended change to the
 * machine, `UPDATE_GOLDEN=1 bun test tests/golden` rewrites the expected steps (review the git diff).
 */
import { describe, expect, test } from "bun:test";
import { basename } from "node:path";
import { goldenFiles, readGolden, replayGolden, writeGolden } from "./golden.ts";

const update = process.env.UPDATE_GOLDEN === "1";
const files = goldenFiles();

describe("golden machine logs", () => {
  test("there are logs to replay", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const path of files) {
    test(basename(path, ".json"), () => {
      const log = readGolden(path);
      const actual = replayGolden(log);
      if (update) {
        writeGolden(path, { ...log, expected: actual });
        return;
      }
      expect(log.expected).toHaveLength(log.events.length);
      expect(actual).toEqual(log.expected);
    });
  }
});
