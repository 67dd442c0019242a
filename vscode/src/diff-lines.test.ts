import { describe, expect, test } from "bun:test";
import { diffLines } from "./diff-lines.ts";
import { selectionPrompt } from "./selection-prompt.ts";
import { sliceLines } from "./text-range.ts";

describe("view helpers", () => {
  test("diffLines keeps context around the changed middle", () => {
    const old = "1\n2\n3\n4\n5\n6\n7";
    const now = "1\n2\n3\nfour\n5\n6\n7";
    expect(diffLines(old, now, 1)).toEqual([
      { op: " ", text: "3" },
      { op: "-", text: "4" },
      { op: "+", text: "four" },
      { op: " ", text: "5" },
    ]);
    expect(diffLines(null, "a\nb")).toEqual([
      { op: "+", text: "a" },
      { op: "+", text: "b" },
    ]);
  });

  test("sliceLines serves fs/read_text_file line and limit", () => {
    expect(sliceLines("a\nb\nc\nd", 2, 2)).toBe("b\nc");
    expect(sliceLines("a\nb\nc", 3)).toBe("c");
    expect(sliceLines("a\nb", null, null)).toBe("a\nb");
  });

  test("selection prompts embed the code as a resource with its range", () => {
    const blocks = selectionPrompt(
      "refactor",
      {
        path: "src/a.ts",
        uri: "file:///w/src/a.ts",
        languageId: "typescript",
        startLine: 3,
        endLine: 9,
        text: "x()",
      },
      "use early returns",
    );
    expect(blocks[0]).toEqual({
      type: "text",
      text: "Refactor the selected code in src/a.ts:3-9: use early returns. Edit the file directly.",
    });
    expect(blocks[1]).toEqual({
      type: "resource",
      resource: { uri: "file:///w/src/a.ts#L3-L9", mimeType: "text/x-typescript", text: "x()" },
    });
    expect(
      (
        selectionPrompt("explain", {
          path: "a",
          uri: "u",
          languageId: "plaintext",
          startLine: 1,
          endLine: 1,
          text: "",
        })[0] as { text: string }
      ).text,
    ).toStartWith("Explain");
  });
});
