/** The "Loom" output channel: the extension's own log lines and the agent's stderr. */
import * as vscode from "vscode";

export interface Logger {
  log(line: string): void;
  show(): void;
}

export function registerLog(context: vscode.ExtensionContext): Logger {
  const channel = vscode.window.createOutputChannel("Loom");
  context.subscriptions.push(channel);
  return {
    log: (line) => channel.appendLine(`[${new Date().toISOString()}] ${line}`),
    show: () => channel.show(true),
  };
}
