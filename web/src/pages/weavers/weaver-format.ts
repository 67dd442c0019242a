/** Where the weaver pages reach a weaver. */

/** The WebSocket URL of a weaver's terminal on this page's server (`ws:` beside `http:`, `wss:` beside `https:`). */
export function attachUrl(id: string, size: { cols: number; rows: number }, at: Location = location): string {
  const scheme = at.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${at.host}/api/weaver/${encodeURIComponent(id)}/attach?cols=${size.cols}&rows=${size.rows}`;
}
