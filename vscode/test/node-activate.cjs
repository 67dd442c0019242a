// Loads the built extension bundle in plain Node (VS Code's runtime) with a stub `vscode` module,
// activates it, opens the chat view and prints one JSON line: the view's last state and the log.
// Usage: node node-activate.cjs <out/extension.js> <workspace> <loomPath>
const Module = require("node:module");
const [bundle, workspace, loomPath] = process.argv.slice(2);
const lines = [];
const posted = [];
const views = new Map();
const disposable = () => ({ dispose() {} });
const vscode = {
  window: {
    createOutputChannel: () => ({ appendLine: (l) => lines.push(l), show() {}, dispose() {} }),
    registerWebviewViewProvider: (id, p) => {
      views.set(id, p);
      return disposable();
    },
    showInformationMessage() {},
    showErrorMessage: (m) => lines.push(`error: ${m}`),
  },
  commands: { registerCommand: () => disposable(), executeCommand: async () => {} },
  workspace: {
    workspaceFolders: [{ uri: { fsPath: workspace } }],
    getConfiguration: () => ({ get: (k) => ({ loomPath, autoStart: true })[k] }),
    onDidChangeConfiguration: () => disposable(),
    textDocuments: [],
  },
  Uri: { joinPath: (b, ...p) => ({ path: [b.path, ...p].join("/") }), file: (p) => ({ fsPath: p }) },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? vscode : load.call(this, request, ...rest);
};
const subscriptions = [];
require(bundle).activate({
  subscriptions,
  extensionUri: { path: "/ext" },
  workspaceState: { get() {}, async update() {} },
});
views.get("loom.chat").resolveWebviewView({
  webview: {
    options: {},
    html: "",
    cspSource: "x",
    asWebviewUri: () => ({ toString: () => "x" }),
    postMessage: async (m) => posted.push(m),
    onDidReceiveMessage: () => disposable(),
  },
  onDidDispose: () => disposable(),
});
const started = Date.now();
const timer = setInterval(() => {
  const last = posted.at(-1);
  if (last?.state.agent.status !== "ready" && Date.now() - started < 15000) return;
  clearInterval(timer);
  for (const d of subscriptions) d.dispose();
  process.stdout.write(`${JSON.stringify({ node: process.version, state: last?.state, log: lines })}\n`);
}, 20);
