import { describe, expect, test } from "bun:test";
import { segments } from "./markdown-lite.ts";

describe("markdown-lite", () => {
  test("fences become blocks, backticks inline code, the rest stays text", () => {
    expect(segments("Run `bun test`:\n```sh\nbun test\n```\nDone.")).toEqual([
      { kind: "text", text: "Run " },
      { kind: "code", text: "bun test" },
      { kind: "text", text: ":\n" },
      { kind: "block", lang: "sh", text: "bun test" },
      { kind: "text", text: "Done." },
    ]);
  });

  test("an unclosed fence (still streaming) is a block to the end; HTML is just text", () => {
    expect(segments("x\n```ts\nconst a = 1;\n")).toEqual([
      { kind: "text", text: "x\n" },
      { kind: "block", lang: "ts", text: "const a = 1;" },
    ]);
    expect(segments("<img src=x onerror=alert(1)>")).toEqual([
      { kind: "text", text: "<img src=x onerror=alert(1)>" },
    ]);
  });
});
