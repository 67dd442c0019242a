/** Entry point: wires the register* functions; each pushes its disposables into the context. */
import type * as vscode from "vscode";
import { registerAgent } from "./register-agent.ts";
import { registerChatView } from "./register-chat-view.ts";
import { registerCommands } from "./register-commands.ts";
import { registerLog } from "./register-log.ts";

export function activate(context: vscode.ExtensionContext): void {
  const logger = registerLog(context);
  const agent = registerAgent(context, logger);
  registerChatView(context, agent);
  registerCommands(context, agent, logger);
}

export function deactivate(): void {}
