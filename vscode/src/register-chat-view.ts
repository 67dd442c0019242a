/** The chat webview in the Loom activity bar container (`loom.chat`). */
import * as vscode from "vscode";
import type { LoomAgent } from "./register-agent.ts";
import { parseViewMessage } from "./view-protocol.ts";
import { chatHtml } from "./webview-html.ts";

export const CHAT_VIEW_ID = "loom.chat";

export function registerChatView(context: vscode.ExtensionContext, agent: LoomAgent): void {
  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(view) {
      const outDir = vscode.Uri.joinPath(context.extensionUri, "out");
      view.webview.options = { enableScripts: true, localResourceRoots: [outDir] };
      view.webview.html = chatHtml({
        scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(outDir, "webview.js")).toString(),
        cspSource: view.webview.cspSource,
        nonce: crypto.randomUUID().replaceAll("-", ""),
      });
      const bridge = agent.view.attach((m) => void view.webview.postMessage(m));
      const sub = view.webview.onDidReceiveMessage((raw) => {
        const m = parseViewMessage(raw);
        if (m) void agent.controller.handle(m);
      });
      view.onDidDispose(() => {
        bridge.dispose();
        sub.dispose();
      });
      agent.ensureStarted();
    },
  };
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
  );
}
