/** The chat page as VS Code would run it: the real bundle in a DOM (happy-dom), fed host states. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Window } from "happy-dom";
import type { ChatState } from "../chat-model.ts";
import { emptyChat } from "../chat-model.ts";
import type { ViewToHost } from "../view-protocol.ts";
import { chatHtml } from "../webview-html.ts";

const build = await Bun.build({
  entrypoints: [join(import.meta.dir, "main.ts")],
  target: "browser",
  format: "iife",
});
const bundle = await build.outputs[0]!.text();

const window = new Window();
afterAll(() => window.happyDOM.close());
const document = window.document;
const body = chatHtml({ scriptUri: "x", cspSource: "x", nonce: "n" }).match(/<body>([\s\S]*)<script/)![1]!;
document.body.innerHTML = body;
const sent: ViewToHost[] = [];
new Function("window", "document", "acquireVsCodeApi", bundle)(window, document, () => ({
  postMessage: (m: ViewToHost) => sent.push(m),
}));

function show(state: ChatState): void {
  window.dispatchEvent(new window.MessageEvent("message", { data: { type: "state", state } }));
}

const $ = (sel: string) => document.querySelector(sel) as unknown as HTMLElement;

describe("chat webview", () => {
  test("says it is ready, then renders the state: text, code, tools, diffs, questions", () => {
    expect(sent[0]).toEqual({ type: "ready" });
    show({
      ...emptyChat(),
      agent: { status: "ready", detail: "" },
      sessionId: "T-1",
      busy: true,
      mode: "ask",
      modes: [
        { id: "ask", name: "Ask" },
        { id: "auto", name: "Auto" },
      ],
      sessions: [{ id: "T-1", title: "fix the bug", updatedAt: "" }],
      usage: { used: 50, size: 200 },
      items: [
        { kind: "user", text: "fix <b>it</b>" },
        { kind: "agent", text: "Run `bun test`:\n```sh\nbun test\n```" },
        {
          kind: "tool",
          id: "c1",
          title: "Edit a.ts",
          toolKind: "edit",
          status: "completed",
          content: [{ type: "diff", path: "/w/a.ts", oldText: "x = 1", newText: "x = 2" }],
          locations: ["/w/a.ts"],
        },
        {
          kind: "plan",
          entries: [
            { content: "read <code>", status: "completed" },
            { content: "fix it", status: "in_progress" },
            { content: "test it", status: "pending" },
          ],
        },
        {
          kind: "permission",
          requestId: 7,
          toolCallId: "c2",
          title: "Run `rm -rf build`",
          options: [
            { optionId: "allow_once", name: "Allow", kind: "allow_once" },
            { optionId: "reject_once", name: "Reject", kind: "reject_once" },
          ],
        },
      ],
    });
    expect([...document.querySelectorAll(".plan .step")].map((d) => d.textContent)).toEqual([
      "☑ read <code>",
      "⟳ fix it",
      "☐ test it",
    ]);
    expect($(".user").textContent).toBe("fix <b>it</b>");
    expect($(".user").querySelector("b")).toBeNull();
    expect($(".agent code").textContent).toBe("bun test");
    expect($(".agent pre.block").textContent).toBe("bun test");
    expect($(".tool summary").textContent).toContain("Edit a.ts");
    expect([...document.querySelectorAll(".diff div")].map((d) => d.textContent)).toEqual([
      "- x = 1",
      "+ x = 2",
    ]);
    expect($("#status").textContent).toBe("Agent: ready · working… · context 25%");
    expect(($("#send") as HTMLButtonElement).disabled).toBe(true);
    expect(($("#mode") as HTMLSelectElement).value).toBe("ask");
    expect(($("#sessions") as HTMLSelectElement).value).toBe("T-1");

    const buttons = [...document.querySelectorAll(".permission button")] as unknown as HTMLButtonElement[];
    expect(buttons.map((b) => b.textContent)).toEqual(["Allow", "Reject"]);
    buttons[1]!.click();
    expect(sent.at(-1)).toEqual({ type: "permission", requestId: 7, optionId: "reject_once" });
    ($(".diff a") as HTMLAnchorElement).click();
    expect(sent.at(-1)).toEqual({ type: "openFile", path: "/w/a.ts" });
    ($("#cancel") as HTMLButtonElement).click();
    expect(sent.at(-1)).toEqual({ type: "cancel" });
  });

  test("Enter sends the prompt and clears the box; Shift+Enter does not", () => {
    show({ ...emptyChat(), agent: { status: "ready", detail: "" } });
    const input = $("#input") as HTMLTextAreaElement;
    input.value = "explain this";
    input.dispatchEvent(
      new window.KeyboardEvent("keydown", { key: "Enter", shiftKey: true }) as unknown as Event,
    );
    expect(input.value).toBe("explain this");
    input.dispatchEvent(new window.KeyboardEvent("keydown", { key: "Enter" }) as unknown as Event);
    expect(sent.at(-1)).toEqual({ type: "prompt", text: "explain this" });
    expect(input.value).toBe("");
    expect(($("#sessions") as HTMLSelectElement).value).toBe("");
    ($("#new") as HTMLButtonElement).click();
    expect(sent.at(-1)).toEqual({ type: "newSession" });
  });
});
