import { describe, expect, test } from "bun:test";
import { promptText } from "./prompt-text.ts";

describe("prompt text", () => {
  test("links become @paths, embedded resources context blocks with their line range", () => {
    expect(
      promptText([
        { type: "text", text: "Explain" },
        { type: "resource_link", uri: "file:///w/a%20b.ts", name: "a b.ts" },
        { type: "resource", resource: { uri: "file:///w/m.ts#L3-L9", text: "x()" } },
        { type: "resource", resource: { uri: "file:///w/n.ts#L4", text: "y()" } },
        { type: "image", data: "", mimeType: "image/png" },
      ]),
    ).toBe(
      'Explain @/w/a b.ts \n<context ref="/w/m.ts:3-9">\nx()\n</context> \n<context ref="/w/n.ts:4">\ny()\n</context> [image omitted: not supported]',
    );
  });
});
