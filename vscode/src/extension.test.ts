import { afterAll, describe, expect, mock, test } from "bun:test";
import pkg from "../package.json" with { type: "json" };

/** The slice of the `vscode` API the extension touches, recording what it is asked to do. */
const rec = {
  commands: new Map<string, () => unknown>(),
  views: new Map<string, { resolveWebviewView(view: unknown): void }>(),
  channelLines: [] as string[],
  shown: 0,
  config: { autoStart: false } as Record<string, unknown>,
  messages: [] as string[],
};

const disposable = () => ({ dispose() {} });

mock.module("vscode", () => ({
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
    activeTextEditor: undefined,
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
    textDocuments: [],
  },
  Uri: {
    joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join("/") }),
    file: (p: string) => ({ fsPath: p, scheme: "file", path: p }),
  },
}));

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
