/**
 * The REPL's input in a real terminal (tmux): Tab completion of slash commands, their arguments
 * and `@` paths; `@` attaching a file and a listing; `!` running a command whose output reaches the
 * model; Esc cancelling a turn; multi-line input; a large paste collapsed to a placeholder; the
 * thread picker of `/resume` and `loom resume`.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, type Sandbox } from "./_harness.ts";
import { testNeeding } from "./_needs-tool.ts";
import { hasTmux, tmuxTerminal } from "./_tmux.ts";

const testWithTmux = testNeeding("tmux", hasTmux);
let up: FakeUpstream;
let sb: Sandbox;
const term = tmuxTerminal();
const { keys, waitFor } = term;

function start(name: string, args: string[] = [], env: Record<string, string> = {}) {
  term.start(
    name,
    args,
    { ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url, ...env },
    sb.workspace,
  );
}

/** The text of the user's last message in the request the model got last. */
function lastUserText(): string {
  const body = up.requests.at(-1)?.body as { messages: { role: string; content: unknown }[] };
  const m = body.messages.filter((x) => x.role === "user").at(-1)!;
  if (typeof m.content === "string") return m.content;
  return (m.content as { type: string; text?: string }[])
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("");
}

beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [{ text: "ok" }], onExhausted: "repeat" } });
  sb = createSandbox({
    "src/parser.ts": "export const parse = 1; // PARSER-BODY\n",
    "src/printer.ts": "export const print = 2;\n",
    "docs/guide.md": "# Guide\n",
    "build/out.js": "ignored\n",
    ".gitignore": "build/\n",
  });
  mkdirSync(join(sb.root, "outside"), { recursive: true });
  writeFileSync(join(sb.root, "outside", "secret.txt"), "TOP-SECRET\n");
  symlinkSync(join(sb.root, "outside", "secret.txt"), join(sb.workspace, "leak.txt"));
});

afterAll(async () => {
  if (hasTmux) term.close();
  await up.stop();
  sb.cleanup();
});

testWithTmux(
  "Tab completes slash commands and their arguments; @ completes and attaches files",
  async () => {
    start("complete");
    await waitFor("(anthropic) · ask mode", "the session line");
    keys("/mo");
    // The live menu lists the commands that start with what was typed, from the registry.
    await waitFor("/model", "the live menu");
    await waitFor("/mode");
    keys("Tab");
    await waitFor(/^› \/model$/m, "the first entry chosen");
    keys("Tab");
    await waitFor(/^› \/mode$/m, "the second entry chosen");
    keys("Enter");
    await waitFor(/^› \/mode $/m, "the entry accepted");
    keys("au", "Tab");
    await waitFor(/^› \/mode auto $/m, "the mode argument completed");
    keys("Enter");
    await waitFor("permission mode: auto");

    keys("explain @prs");
    await waitFor("@src/parser.ts", "the fuzzy @ menu");
    keys("Tab", "Enter");
    await waitFor(/› explain @src\/parser\.ts $/m, "the mention completed");
    keys("Enter");
    await waitFor("attached @src/parser.ts");
    await waitFor(/\n› $/m, "the next prompt");
    expect(lastUserText()).toContain("PARSER-BODY");
    expect(lastUserText()).toContain('<context ref="src/parser.ts">');

    keys("what is in @src/ and @leak.txt", "Enter");
    await waitFor("@leak.txt not attached: it is a link out of the workspace");
    await waitFor("attached @src/ (listing, 2 entries)");
    await waitFor(/ok\n[^\n]*\n› $/m, "the reply");
    const sent = lastUserText();
    expect(sent).toContain("parser.ts\nprinter.ts");
    expect(sent).not.toContain("TOP-SECRET");
    keys("C-d");
    await waitFor("exit=0");
  },
  60_000,
);

testWithTmux(
  "! runs a command whose output reaches the model; Esc cancels a turn; \\ continues a line; a large paste collapses",
  async () => {
    up.setScript({
      turns: [
        { text: "seen" },
        { text: ["Working on it"], fault: "stall" },
        { text: "after esc" },
        { text: "multi" },
        { text: "pasted" },
      ],
      stallMs: 20_000,
    });
    start("shell");
    await waitFor("(anthropic) · ask mode", "the session line");
    keys("!echo from-the-shell; ls src", "Enter");
    await waitFor("│ from-the-shell");
    await waitFor("the model sees this output with your next message");
    expect(up.requests).toHaveLength(0);
    keys("what did it print", "Enter");
    await waitFor("seen");
    const first = lastUserText();
    expect(first.startsWith("what did it print\n\n")).toBe(true);
    expect(first).toContain('<shell-command command="echo from-the-shell; ls src" status="exit code 0">');
    expect(first).toContain("from-the-shell\nparser.ts\nprinter.ts");

    keys("think long", "Enter");
    // The reply's paragraph is held until it completes (Markdown blocks): the status line says so.
    await waitFor("⋯ writing…");
    keys("Escape");
    await waitFor("cancelled");
    keys("still there?", "Enter");
    await waitFor("after esc");

    // A trailing backslash continues the input on a line drawn under "… ".
    keys("first line\\", "Enter");
    await waitFor(/^… $/m, "the continuation line");
    keys("second line", "Enter");
    await waitFor("multi");
    expect(lastUserText()).toBe("first line\nsecond line");

    // A bracketed paste of many lines shows as a placeholder and is sent whole.
    const big = Array.from({ length: 40 }, (_, i) => `pasted line ${i}`).join("\n");
    term.paste(big);
    await waitFor("[Pasted text #1 +40 lines]");
    keys(" summarise", "Enter");
    await waitFor("pasted");
    expect(lastUserText()).toBe(`${big} summarise`);
    keys("C-d");
    await waitFor("exit=0");
  },
  60_000,
);

testWithTmux(
  "the thread picker: loom resume and /resume search as you type; Esc cancels",
  async () => {
    // The two earlier tests left two threads in this workspace.
    up.setScript({ turns: [{ text: "resumed" }], onExhausted: "repeat" });
    start("picker", ["resume"]);
    await waitFor("Resume a thread", "the picker");
    await waitFor("what did it print");
    await waitFor("explain @src/parser.ts");
    keys("prnt");
    await waitFor(/› prnt\n▸ what did it print {2}· .* · T-\S+\n$/m, "only the matching thread");
    keys("Enter");
    await waitFor(/thread T-\S+ · \d+ messages/, "the chosen thread shown");
    await waitFor("› first line");

    // tmux keeps a cleared screen in its history: look only below the last `/resume`.
    const below = (marker: string, text: RegExp) =>
      waitFor({ test: (s: string) => text.test(s.slice(s.lastIndexOf(marker))) } as RegExp, String(text));
    keys("/resume", "Enter");
    await below("› /resume", /Resume a thread/);
    keys("Escape");
    // The picker's own query line is "› " too: wait for the picker to be gone.
    await waitFor(
      { test: (s: string) => !s.slice(s.lastIndexOf("› /resume")).includes("Resume a thread") } as RegExp,
      "the picker erased after Esc",
    );
    await below("› /resume", /^› $/m);
    // The first picker is still on screen (in tmux's history): wait for one more.
    const pickers = (s: string) => s.split("Resume a thread").length;
    const before = pickers(term.screen());
    keys("/resume", "Enter");
    await waitFor({ test: (s: string) => pickers(s) > before } as RegExp, "the second picker");
    keys("parser");
    await below("› /resume", /› parser\n▸ explain/);
    keys("Enter");
    await below("› /resume", /› explain @src\/parser\.ts/);
    keys("C-d");
    await waitFor("exit=0");
  },
  60_000,
);

testWithTmux(
  "Ctrl-V pastes the clipboard's image as [Image #1], sent beside the text",
  async () => {
    // xclip needs an X server: a stand-in on PATH answers as it does.
    const bin = join(sb.root, "bin");
    mkdirSync(bin, { recursive: true });
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("fake-png-body")]);
    writeFileSync(join(sb.root, "clip.png"), png);
    writeFileSync(
      join(bin, "xclip"),
      `#!/bin/sh\ncase "$*" in *TARGETS*) printf 'image/png\\n' ;; *image/png*) cat '${join(sb.root, "clip.png")}' ;; *) exit 1 ;; esac\n`,
    );
    chmodSync(join(bin, "xclip"), 0o755);
    up.setScript({ turns: [{ text: "a picture" }] });
    start("clip", [], { PATH: `${bin}:${sb.env.PATH}`, DISPLAY: ":0" });
    await waitFor("(anthropic) · ask mode", "the session line");
    keys("what is this ", "C-v");
    await waitFor("› what is this [Image #1]");
    keys("Enter");
    await waitFor("a picture");
    const body = up.requests.at(-1)?.body as {
      messages: { role: string; content: { type: string; source?: { data: string } }[] }[];
    };
    const content = body.messages.at(-1)!.content;
    expect(content.find((c) => c.type === "image")?.source?.data).toBe(png.toString("base64"));
    keys("C-d");
    await waitFor("exit=0");
  },
  30_000,
);
