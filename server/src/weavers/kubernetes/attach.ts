/**
 * The weaver's terminal through `pods/attach` over the WebSocket channel protocol
 * (`v5.channel.k8s.io`, else v4): channel 0 stdin, 1 stdout, 3 the closing Status, 4 resize
 * `{"Width","Height"}`. Detaching closes the socket, never stdin: the REPL keeps running.
 */
import { PassThrough } from "node:stream";
import { Attach, type KubeConfig } from "@kubernetes/client-node";
import type { AttachSession } from "../driver.ts";
import { kubernetesError } from "./api-error.ts";
import { MAIN_CONTAINER } from "./pod-spec.ts";

/** A stdout the client treats as a terminal: it sends `columns`×`rows` on attach and on each 'resize'. */
class TerminalOut extends PassThrough {
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
}

interface Socket {
  close(): void;
  onclose: (() => void) | null;
}

export async function attachPod(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  size: { cols: number; rows: number },
  onClose: () => void,
): Promise<AttachSession> {
  const stdin = new PassThrough();
  const stdout = new TerminalOut(size.cols, size.rows);
  let socket: Socket;
  try {
    socket = (await new Attach(kubeConfig).attach(
      namespace,
      name,
      MAIN_CONTAINER,
      stdout,
      null,
      stdin,
      true,
    )) as unknown as Socket;
  } catch (e) {
    throw kubernetesError(e, `attach to ${name}`);
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    socket.close();
    stdout.end();
    onClose();
  };
  socket.onclose = close;
  stdout.on("end", close);
  return {
    write(data) {
      if (!closed) stdin.write(Buffer.from(data));
    },
    resize(cols, rows) {
      if (closed) return;
      stdout.columns = cols;
      stdout.rows = rows;
      stdout.emit("resize");
    },
    output: stdout,
    close,
  };
}
