/** The "Loom" output channel: the extension's own log lines and the agent's stderr. */
import * as vscode from "vscode";

export interface Logger {
  /** A line of the extension's own, timestamped. */
  log(line: string): void;
  /** A line as it is (the agent's stderr, which has its own timestamps). */
  raw(line: string): void;
  show(): void;
}

export function registerLog(context: vscode.ExtensionContext): Logger {
  const channel = vscode.window.createOutputChannel("Loom");
  context.subscriptions.push(channel);
  return {
    log: (line) => channel.appendLine(`${new Date().toISOString()} [extension] ${line}`),
    raw: (line) => channel.appendLine(line),
    show: () => channel.show(true),
  };
}
