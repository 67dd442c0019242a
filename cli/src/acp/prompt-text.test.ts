import { describe, expect, test } from "bun:test";
import type * as acp from "@agentclientprotocol/sdk";
import { promptImages, promptText } from "./prompt-text.ts";

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
      'Explain @/w/a b.ts \n<context ref="/w/m.ts:3-9">\nx()\n</context> \n<context ref="/w/n.ts:4">\ny()\n</context> [image omitted: image/png is not supported]',
    );
  });

  test("images of the providers' types travel beside the text; others are named in it", () => {
    const blocks: acp.ContentBlock[] = [
      { type: "text", text: "What is this?" },
      { type: "image", data: "iVBORw0KGgo=", mimeType: "image/png" },
      { type: "image", data: "AAAA", mimeType: "image/tiff" },
      { type: "image", data: "/9j/4AAQ", mimeType: "image/jpeg", uri: "file:///w/shot.jpg" },
    ];
    expect(promptText(blocks)).toBe("What is this? [image omitted: image/tiff is not supported]");
    expect(promptImages(blocks)).toEqual([
      { mimeType: "image/png", data: "iVBORw0KGgo=" },
      { mimeType: "image/jpeg", data: "/9j/4AAQ" },
    ]);
  });
});
