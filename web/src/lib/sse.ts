/**
 * A server-sent events reader for `fetch` bodies (EventSource cannot send the bearer token): feed it
 * text as it arrives, it calls back once per complete message (comments and partial messages skipped).
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
