/**
 * The agent of this window: a supervised `loom acp-agent` in the first workspace folder, its ACP
 * connection, and the chat controller that uses it.
 */
import { spawn } from "node:child_process";
import { homedir } from "node:os";
import * as vscode from "vscode";
import { LoomAcpClient, streamOf } from "./acp-client.ts";
import { type AgentCommand, AgentSupervisor } from "./agent-process.ts";
import { ChatController } from "./chat-controller.ts";
import { readTextFile, writeTextFile } from "./editor-fs.ts";
import type { Logger } from "./register-log.ts";
import { agentCommand, readSettings } from "./settings.ts";
import { ViewBridge } from "./view-bridge.ts";

export interface LoomAgent {
  controller: ChatController;
  view: ViewBridge;
  /** Starts the agent unless it is running (or waiting to restart). */
  ensureStarted(): void;
  restart(): void;
  /** The command that runs the agent (`loom acp-agent …`), for a sign-in terminal. */
  command(): AgentCommand;
}

export function registerAgent(context: vscode.ExtensionContext, logger: Logger): LoomAgent {
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();
  const settings = () => readSettings((k) => vscode.workspace.getConfiguration("loom").get(k));
  const view = new ViewBridge();
  const controller = new ChatController({
    cwd,
    post: (m) => view.post(m),
    memento: context.workspaceState,
    log: logger.log,
    openFile: (path) => void vscode.window.showTextDocument(vscode.Uri.file(path)),
  });
  const supervisor = new AgentSupervisor({
    command: () => agentCommand(settings(), cwd, process.env),
    spawn: (c) => spawn(c.command, c.args, { cwd: c.cwd, env: c.env, stdio: ["pipe", "pipe", "pipe"] }),
    log: logger.log,
    agentLog: logger.raw,
    onStarted: (proc) => {
      controller.setStatus("starting", "");
      LoomAcpClient.connect(streamOf(proc), { ...controller.callbacks(), readTextFile, writeTextFile })
        .then(async (client) => {
          logger.log(
            `connected to ${client.init.agentInfo?.name ?? "agent"} ${client.init.agentInfo?.version ?? ""}`,
          );
          proc.once("exit", () => client.close());
          await controller.attach(client);
        })
        .catch((e) => logger.log(`ACP connection failed: ${e instanceof Error ? e.message : String(e)}`));
    },
    onExited: ({ restartInMs }) =>
      controller.detach(
        restartInMs === undefined ? "stopped" : "restarting",
        restartInMs === undefined ? "" : `in ${restartInMs / 1000} s`,
      ),
  });
  context.subscriptions.push(
    { dispose: () => supervisor.stop() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("loom") && supervisor.running) {
        logger.log("settings changed; restarting the agent");
        supervisor.restart();
      }
    }),
  );
  if (settings().autoStart) supervisor.start();
  else controller.setStatus("stopped", "not started (loom.autoStart is off)");
  return {
    controller,
    view,
    ensureStarted: () => supervisor.start(),
    restart: () => supervisor.restart(),
    command: () => agentCommand(settings(), cwd, process.env),
  };
}
