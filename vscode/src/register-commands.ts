/** The `loom.*` commands declared in package.json `contributes.commands`. */
import { relative } from "node:path";
import * as vscode from "vscode";
import type { LoomAgent } from "./register-agent.ts";
import { CHAT_VIEW_ID } from "./register-chat-view.ts";
import type { Logger } from "./register-log.ts";
import { selectionPrompt } from "./selection-prompt.ts";

async function openChat(agent: LoomAgent): Promise<void> {
  agent.ensureStarted();
  await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
}

async function askAboutSelection(agent: LoomAgent, action: "explain" | "refactor"): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) {
    void vscode.window.showInformationMessage("Select some code first.");
    return;
  }
  let instruction: string | undefined;
  if (action === "refactor") {
    instruction = await vscode.window.showInputBox({
      prompt: "How should Loom refactor the selection? (optional)",
    });
    if (instruction === undefined) return;
  }
  const doc = editor.document;
  const root = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath;
  const sel = editor.selection;
  const blocks = selectionPrompt(
    action,
    {
      path: root ? relative(root, doc.uri.fsPath) : doc.uri.fsPath,
      uri: doc.uri.toString(),
      languageId: doc.languageId,
      startLine: sel.start.line + 1,
      endLine: sel.end.line + 1,
      text: doc.getText(sel),
    },
    instruction,
  );
  await openChat(agent);
  try {
    await agent.controller.prompt(blocks);
  } catch (e) {
    void vscode.window.showErrorMessage(`Loom: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Signs in to the team server the way ACP's terminal auth method does: `loom acp-agent --login` in a
 * terminal, which shows a device code and URL to approve in the browser (or asks for a provider key
 * when no team server is configured). The agent reads the saved token at the next session.
 */
export function signInTerminal(agent: LoomAgent): vscode.Terminal {
  const c = agent.command();
  const terminal = vscode.window.createTerminal({
    name: "Loom sign-in",
    shellPath: c.command,
    shellArgs: [...c.args, "--login"],
    cwd: c.cwd,
    env: c.env,
  });
  terminal.show();
  return terminal;
}

export function registerCommands(context: vscode.ExtensionContext, agent: LoomAgent, logger: Logger): void {
  const run = (id: string, fn: () => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async () => {
        try {
          await fn();
        } catch (e) {
          void vscode.window.showErrorMessage(`Loom: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
  run("loom.openChat", () => openChat(agent));
  run("loom.newSession", async () => {
    await openChat(agent);
    await agent.controller.newSession();
  });
  run("loom.cancelCurrentTurn", () => agent.controller.cancel());
  run("loom.restartAgent", () => agent.restart());
  run("loom.showLogs", () => logger.show());
  run("loom.signIn", () => signInTerminal(agent));
  run("loom.explainSelection", () => askAboutSelection(agent, "explain"));
  run("loom.refactorSelection", () => askAboutSelection(agent, "refactor"));
}
