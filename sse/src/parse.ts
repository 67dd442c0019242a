/**
 * A server-sent events parser with no dependencies, shared by the runtime (proxy stream, kill
 * switches), the web UI (thread events, weaver logs) and the OpenFeature provider (flag stream):
 * feed it text as it arrives, it calls back once per complete message. Multi-line `data:` is joined
 * by `\n`, CRLF is accepted, comments (`:`) and fields other than `event`/`data` are skipped, the
 * event name defaults to `message`, and a message without data is not dispatched (the SSE spec's rules).
 * @example
 * const feed = createSseParser((m) => console.log(m.event, m.data));
 * feed("event: thread.updated\ndata: {}\n\n");
 */
export interface SseMessage {
  event: string;
  data: string;
}

export function createSseParser(onMessage: (m: SseMessage) => void): (chunk: string) => void {
  let buf = "";
  let event = "message";
  let data: string[] = [];
  return (chunk) => {
    buf += chunk;
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, "");
      buf = buf.slice(nl + 1);
      if (line === "") {
        if (data.length > 0) onMessage({ event, data: data.join("\n") });
        event = "message";
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      nl = buf.indexOf("\n");
    }
  };
}
