/**
 * The extension's side of the Agent Client Protocol: one connection to a `loom acp-agent`
 * process over its stdio. Session updates, permission questions and file access are handed to
 * the callbacks given at connect time. Knows nothing about VS Code.
 */
import { Readable, type Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";

export interface ClientCallbacks {
  onUpdate(notification: acp.SessionNotification): void;
  requestPermission(
    request: acp.RequestPermissionRequest,
    signal: AbortSignal,
  ): Promise<acp.RequestPermissionOutcome>;
  /** When given, the agent reads files through the editor (unsaved buffers included). */
  readTextFile?(request: acp.ReadTextFileRequest): Promise<string>;
  writeTextFile?(request: acp.WriteTextFileRequest): Promise<void>;
}

export interface AgentStreams {
  stdin: Writable;
  stdout: Readable;
}

/** ndjson stream over a child's stdio; each write is flushed before the next one is taken. */
export function streamOf(p: AgentStreams): acp.Stream {
  const output = new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise((resolve, reject) => {
        p.stdin.write(chunk, (e) => (e ? reject(e) : resolve()));
      });
    },
    close() {
      p.stdin.end();
    },
  });
  const input = Readable.toWeb(p.stdout) as unknown as ReadableStream<Uint8Array>;
  return acp.ndJsonStream(output, input);
}

export class LoomAcpClient {
  private constructor(
    private readonly conn: acp.ClientConnection,
    readonly init: acp.InitializeResponse,
  ) {}

  /** Connects and runs `initialize`. */
  static async connect(stream: acp.Stream, cb: ClientCallbacks): Promise<LoomAcpClient> {
    let app = acp
      .client({ name: "loom-vscode" })
      .onNotification(methods.client.session.update, ({ params }) => cb.onUpdate(params))
      .onRequest(methods.client.session.requestPermission, async ({ params, signal }) => ({
        outcome: await cb.requestPermission(params, signal),
      }));
    const fs: acp.FileSystemCapabilities = {};
    if (cb.readTextFile) {
      const read = cb.readTextFile;
      fs.readTextFile = true;
      app = app.onRequest(methods.client.fs.readTextFile, async ({ params }) => ({
        content: await read(params),
      }));
    }
    if (cb.writeTextFile) {
      const write = cb.writeTextFile;
      fs.writeTextFile = true;
      app = app.onRequest(methods.client.fs.writeTextFile, async ({ params }) => {
        await write(params);
        return {};
      });
    }
    const conn = app.connect(stream);
    const init = await conn.agent.request(methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: { fs, terminal: false },
      clientInfo: { name: "loom-vscode", version: "0.1.0" },
    });
    return new LoomAcpClient(conn, init);
  }

  get closed(): Promise<void> {
    return this.conn.closed;
  }

  get canList(): boolean {
    return this.init.agentCapabilities?.sessionCapabilities?.list != null;
  }

  newSession(cwd: string): Promise<acp.NewSessionResponse> {
    return this.conn.agent.request(methods.agent.session.new, { cwd, mcpServers: [] });
  }

  async loadSession(sessionId: string, cwd: string): Promise<acp.LoadSessionResponse> {
    return (
      (await this.conn.agent.request(methods.agent.session.load, { sessionId, cwd, mcpServers: [] })) ?? {}
    );
  }

  async listSessions(cwd: string): Promise<acp.SessionInfo[]> {
    if (!this.canList) return [];
    return (await this.conn.agent.request(methods.agent.session.list, { cwd })).sessions;
  }

  prompt(sessionId: string, prompt: acp.ContentBlock[]): Promise<acp.PromptResponse> {
    return this.conn.agent.request(methods.agent.session.prompt, { sessionId, prompt });
  }

  cancel(sessionId: string): Promise<void> {
    return this.conn.agent.notify(methods.agent.session.cancel, { sessionId });
  }

  async setMode(sessionId: string, modeId: string): Promise<void> {
    await this.conn.agent.request(methods.agent.session.setMode, { sessionId, modeId });
  }

  close(): void {
    this.conn.close();
  }
}
