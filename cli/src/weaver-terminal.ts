/**
 * A weaver's terminal in this one: the attach WebSocket's binary frames to stdout, stdin (raw when a
 * TTY) to the socket, the window size as `{"type":"resize"}` on start and on SIGWINCH. Ctrl+P then
 * Ctrl+Q detaches (Docker's keys); a Ctrl+P followed by anything else is sent as typed.
 */
const CTRL_P = 0x10;
const CTRL_Q = 0x11;

export interface DetachScanner {
  /** Bytes to send for this chunk, and whether the user asked to detach. */
  feed(chunk: Uint8Array): { send: Uint8Array; detach: boolean };
}

export function createDetachScanner(): DetachScanner {
  let held = false;
  return {
    feed(chunk) {
      const out: number[] = [];
      for (const b of chunk) {
        if (held) {
          held = false;
          if (b === CTRL_Q) return { send: new Uint8Array(out), detach: true };
          out.push(CTRL_P);
        }
        if (b === CTRL_P) held = true;
        else out.push(b);
      }
      return { send: new Uint8Array(out), detach: false };
    },
  };
}

export async function attachTerminal(o: {
  base: string;
  authorization: string;
  id: string;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}): Promise<"detached" | "closed"> {
  const stdin = o.stdin ?? process.stdin;
  const stdout = o.stdout ?? process.stdout;
  const size = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const { cols, rows } = size();
  const url = `${o.base.replace(/^http/, "ws")}/api/weaver/${encodeURIComponent(o.id)}/attach?cols=${cols}&rows=${rows}`;
  const ws = new WebSocket(url, { headers: { authorization: o.authorization } } as unknown as string[]);
  ws.binaryType = "arraybuffer";
  const raw = stdin.isTTY === true;
  const scanner = createDetachScanner();
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (how: "detached" | "closed") => {
      if (done) return;
      done = true;
      stdin.off("data", onInput);
      process.off("SIGWINCH", onResize);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, how);
      resolve(how);
    };
    const onInput = (chunk: Buffer) => {
      const { send, detach } = scanner.feed(new Uint8Array(chunk));
      if (send.length > 0 && ws.readyState === WebSocket.OPEN) ws.send(send);
      if (detach) finish("detached");
    };
    const onResize = () => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "resize", ...size() }));
    };
    ws.onopen = () => {
      if (raw) stdin.setRawMode(true);
      stdin.on("data", onInput);
      stdin.resume();
      process.on("SIGWINCH", onResize);
    };
    ws.onmessage = (e) => {
      stdout.write(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
    };
    ws.onclose = () => finish("closed");
    ws.onerror = () => {
      if (!done && ws.readyState !== WebSocket.OPEN) {
        done = true;
        reject(new Error(`cannot attach to ${o.id}: the server refused the WebSocket`));
      }
    };
  });
}
