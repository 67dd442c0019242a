import { afterAll, describe, expect, mock, test } from "bun:test";
import { join } from "node:path";
import { createSandbox, MAIN } from "../../tests/acp/harness.ts";
import pkg from "../package.json" with { type: "json" };
import type { ChatState } from "./chat-model.ts";

/** The slice of the `vscode` API the extension touches, recording what it is asked to do. */
const rec = {
  commands: new Map<string, () => unknown>(),
  views: new Map<string, { resolveWebviewView(view: unknown): void }>(),
  channelLines: [] as string[],
  shown: 0,
  config: { autoStart: false } as Record<string, unknown>,
  messages: [] as string[],
  terminals: [] as { shellPath: string; shellArgs: string[] }[],
};

const disposable = () => ({ dispose() {} });

const vscodeMock = {
  window: {
    createOutputChannel: () => ({
      appendLine: (l: string) => rec.channelLines.push(l),
      show: () => {
        rec.shown++;
      },
      dispose() {},
    }),
    registerWebviewViewProvider: (id: string, p: { resolveWebviewView(view: unknown): void }) => {
      rec.views.set(id, p);
      return disposable();
    },
    showInformationMessage: (m: string) => rec.messages.push(m),
    showErrorMessage: (m: string) => rec.messages.push(m),
    activeTextEditor: undefined as unknown,
    createTerminal: (o: { shellPath: string; shellArgs: string[] }) => {
      rec.terminals.push(o);
      return { show() {}, dispose() {} };
    },
  },
  commands: {
    registerCommand: (id: string, fn: () => unknown) => {
      rec.commands.set(id, fn);
      return disposable();
    },
    executeCommand: async () => {},
  },
  workspace: {
    workspaceFolders: [{ uri: { fsPath: "/tmp" } }],
    getConfiguration: () => ({ get: (k: string) => rec.config[k] }),
    onDidChangeConfiguration: () => disposable(),
    getWorkspaceFolder: () => vscodeMock.workspace.workspaceFolders[0],
    textDocuments: [] as unknown[],
    fs: {
      // As VS Code's FileSystemError.FileNotFound.
      readFile: async (uri: { fsPath: string }): Promise<Uint8Array> => {
        throw Object.assign(new Error(`EntryNotFound (FileSystemError): ${uri.fsPath}`), {
          code: "FileNotFound",
        });
      },
    },
  },
  Uri: {
    joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join("/") }),
    file: (p: string) => ({ fsPath: p, scheme: "file", path: p }),
  },
};
mock.module("vscode", () => vscodeMock);

const { activate } = await import("./extension.ts");
const subscriptions: { dispose(): unknown }[] = [];
const store = new Map<string, unknown>();
activate({
  subscriptions,
  extensionUri: { path: "/ext" },
  workspaceState: {
    get: (k: string) => store.get(k),
    update: async (k: string, v: unknown) => void store.set(k, v),
  },
} as never);

afterAll(() => {
  for (const d of subscriptions) d.dispose();
});

describe("extension activation", () => {
  test("every command and view in package.json is registered, and only those", () => {
    const declared = pkg.contributes.commands.map((c) => c.command).sort();
    expect([...rec.commands.keys()].sort()).toEqual(declared);
    expect(declared).toEqual([
      "loom.cancelCurrentTurn",
      "loom.explainSelection",
      "loom.newSession",
      "loom.openChat",
      "loom.refactorSelection",
      "loom.restartAgent",
      "loom.showLogs",
      "loom.signIn",
    ]);
    expect([...rec.views.keys()]).toEqual(pkg.contributes.views.loom.map((v) => v.id));
    expect(subscriptions.length).toBeGreaterThanOrEqual(declared.length + 2);
  });

  test("the settings are declared with their defaults", () => {
    const props = pkg.contributes.configuration.properties;
    expect(Object.keys(props).sort()).toEqual([
      "loom.additionalArgs",
      "loom.autoStart",
      "loom.logLevel",
      "loom.loomPath",
    ]);
    expect(props["loom.autoStart"].default).toBe(true);
    expect(props["loom.loomPath"].default).toBe("loom");
  });

  test("Sign In runs `loom acp-agent --login` (the device-code flow with a team server) in a terminal", async () => {
    await rec.commands.get("loom.signIn")?.();
    expect(rec.terminals).toHaveLength(1);
    expect(rec.terminals[0]?.shellPath).toBe("loom");
    expect(rec.terminals[0]?.shellArgs).toEqual(["acp-agent", "--login"]);
  });

  test("commands work without a running agent: logs open, cancel is a no-op, selection needs an editor", async () => {
    await rec.commands.get("loom.showLogs")?.();
    expect(rec.shown).toBe(1);
    await rec.commands.get("loom.cancelCurrentTurn")?.();
    await rec.commands.get("loom.explainSelection")?.();
    expect(rec.messages).toEqual(["Select some code first."]);
  });

  test("the chat view gets a CSP'd page and the current state once it is ready", async () => {
    let handler: ((m: unknown) => void) | undefined;
    const posted: unknown[] = [];
    const view = {
      webview: {
        options: {},
        html: "",
        cspSource: "vscode-resource:",
        asWebviewUri: (u: { path: string }) => ({ toString: () => `https://res${u.path}` }),
        postMessage: async (m: unknown) => posted.push(m),
        onDidReceiveMessage: (fn: (m: unknown) => void) => {
          handler = fn;
          return disposable();
        },
      },
      onDidDispose: () => disposable(),
    };
    rec.config.loomPath = "/nonexistent/loom";
    rec.views.get("loom.chat")?.resolveWebviewView(view);
    expect(view.webview.html).toContain('src="https://res/ext/out/webview.js"');
    expect(view.webview.html).toMatch(/script-src 'nonce-[0-9a-f]{32}'/);
    handler?.({ type: "ready" });
    handler?.({ type: "bogus" });
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect(posted.at(-1)).toMatchObject({ type: "state", state: { sessionId: undefined, items: [] } });
    // Opening the view starts the agent; a missing binary is logged and retried, not thrown.
    for (let i = 0; i < 200 && !rec.channelLines.some((l) => l.includes("restarting in 1 s")); i++)
      await Bun.sleep(2);
    expect(rec.channelLines.some((l) => l.includes("/nonexistent/loom acp-agent"))).toBe(true);
    expect(rec.channelLines.some((l) => l.includes("restarting in 1 s"))).toBe(true);
  });
});

describe("editor files", () => {
  test("a file that is neither open nor on disk is ACP's resource-not-found, not an internal error", async () => {
    const { readTextFile } = await import("./editor-fs.ts");
    const err = await readTextFile({ sessionId: "S", path: "/nowhere/x.ts" }).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    );
    expect(err?.code).toBe(-32002);
  });
});

describe("extension with the real agent", () => {
  test("Explain Selection: the agent starts in the workspace, reads the unsaved buffer, the reply reaches the view", async () => {
    const sb = await createSandbox(
      {
        turns: [
          { toolCalls: [{ id: "r1", name: "read_file", input: { path: "math.ts" } }], stop: "tool_use" },
          { text: "It `add`s two numbers." },
        ],
      },
      { "math.ts": "export const add = (a: number, b: number) => a + b;\n" },
    );
    const saved = { ...process.env };
    Object.assign(process.env, sb.env);
    const subs: { dispose(): unknown }[] = [];
    try {
      const path = join(sb.workspace, "math.ts");
      const unsaved = "export const add = (a: number, b: number) => a + b; // UNSAVED\n";
      const doc = {
        uri: { scheme: "file", fsPath: path, toString: () => `file://${path}` },
        languageId: "typescript",
        getText: () => unsaved,
      };
      vscodeMock.workspace.textDocuments = [doc];
      vscodeMock.workspace.workspaceFolders = [{ uri: { fsPath: sb.workspace } }];
      vscodeMock.window.activeTextEditor = {
        document: doc,
        selection: { isEmpty: false, start: { line: 0 }, end: { line: 0 } },
      };
      rec.config = { loomPath: MAIN, additionalArgs: ["--provider", "anthropic"], autoStart: true };
      activate({
        subscriptions: subs,
        extensionUri: { path: "/ext" },
        workspaceState: { get: () => undefined, update: async () => {} },
      } as never);
      const posted: { type: "state"; state: ChatState }[] = [];
      rec.views.get("loom.chat")?.resolveWebviewView({
        webview: {
          options: {},
          html: "",
          cspSource: "x",
          asWebviewUri: () => ({ toString: () => "x" }),
          postMessage: async (m: { type: "state"; state: ChatState }) => posted.push(m),
          onDidReceiveMessage: () => disposable(),
        },
        onDidDispose: () => disposable(),
      });
      for (let i = 0; i < 1000 && posted.at(-1)?.state.agent.status !== "ready"; i++) await Bun.sleep(10);
      await rec.commands.get("loom.explainSelection")?.();
      expect(rec.messages.slice(1)).toEqual([]);
      for (let i = 0; i < 100 && posted.at(-1)?.state.busy !== false; i++) await Bun.sleep(10);
      const items = posted.at(-1)?.state.items ?? [];
      expect(items[0]).toMatchObject({ kind: "user" });
      expect((items[0] as { text: string }).text).toStartWith(
        "Explain what the selected code in math.ts:1-1 does",
      );
      expect(items.find((it) => it.kind === "tool")).toMatchObject({
        id: "r1",
        toolKind: "read",
        status: "completed",
      });
      expect(items.at(-1)).toEqual({ kind: "agent", text: "It `add`s two numbers." });
      // The prompt carried the selection; the read went through the editor's unsaved buffer.
      expect(JSON.stringify(sb.upstream.requests[0]?.body)).toContain(`<context ref=\\"${path}:1-1\\">`);
      expect(JSON.stringify(sb.upstream.requests[1]?.body)).toContain("// UNSAVED");
      expect(rec.channelLines.some((l) => l.includes("connected to loom"))).toBe(true);
    } finally {
      for (const d of subs) d.dispose();
      process.env = saved;
      await sb.cleanup();
    }
  });
});
