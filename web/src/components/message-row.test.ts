import { expect, test } from "bun:test";
import { useDom } from "../../test/dom.ts";

useDom();
// Vue keeps the `document` it finds when first loaded: load it only once the DOM is in place.
const { mount } = await import("@vue/test-utils");
const { threadRows } = await import("../lib/thread-items.ts");
const { default: MessageRow } = await import("./MessageRow.vue");

const rows = threadRows([
  { role: "user", content: "Fix it" },
  {
    role: "assistant",
    content: "Fixed:\n\n```ts\nconst x: number = 1;\n```",
    toolCalls: [
      { id: "c1", name: "edit_file", input: { path: "src/tok.ts", edits: [{ old: "a", new: "b" }] } },
    ],
  },
  { role: "tool", toolCallId: "c1", name: "edit_file", content: "edited src/tok.ts" },
]);

// Markdown and its sanitising are checked in real Chromium (tests/web/web.e2e.test.ts): under
// happy-dom 21 DOMPurify reports itself supported yet drops <p> and keeps <script>, so a check here
// would test happy-dom, not the app.
test("an assistant turn: tool call collapsed; opened, it shows highlighted input, diff and output", async () => {
  const w = mount(MessageRow, { props: { row: rows[1]! } });
  expect(w.get(".msg-head .role").text()).toBe("Assistant");
  const details = w.get("details.tool");
  expect(details.attributes("open")).toBeUndefined();
  expect(details.get(".tool-name").text()).toBe("edit_file");
  expect(details.get(".tool-hint").text()).toBe("src/tok.ts");
  // Nothing of the body is built until the call is opened (hundreds of calls in a long thread).
  expect(details.find("pre").exists()).toBe(false);
  (details.element as HTMLDetailsElement).open = true;
  await details.trigger("toggle");
  expect(details.get("code.hljs .hljs-attr").text()).toBe('"path"');
  expect(details.findAll(".diff .d-del").map((l) => l.text())).toEqual(["-a"]);
  expect(details.findAll(".diff .d-add").map((l) => l.text())).toEqual(["+b"]);
  expect(details.get(".output").text()).toBe("edited src/tok.ts");
});

test("tool results are folded into their call, not drawn as rows of their own", () => {
  expect(rows.map((r) => r.role)).toEqual(["user", "assistant"]);
});

test("a turn's last assistant message shows that turn's tokens and cost", () => {
  const [, reply] = threadRows([
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello", usage: { inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 } },
  ]);
  const w = mount(MessageRow, { props: { row: reply! } });
  expect(w.get(".turn-usage").text()).toBe("1,200 in · 340 out · $0.0123");
  const plain = mount(MessageRow, { props: { row: rows[1]! } });
  expect(plain.find(".turn-usage").exists()).toBe(false);
});
