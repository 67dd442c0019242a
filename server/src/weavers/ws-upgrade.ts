/**
 * WebSocket upgrades for routes served through `app.handle` (the attach route): `loom serve` hands
 * each request an upgrader bound to Bun's server, and the route calls it once it has checked the
 * caller. Each socket carries its own handlers as its data. In-process tests have no upgrader.
 */
import type { ServerWebSocket } from "bun";

export interface SocketHandlers {
  open(ws: ServerWebSocket<SocketHandlers>): void;
  message(ws: ServerWebSocket<SocketHandlers>, data: string | Buffer): void;
  close(ws: ServerWebSocket<SocketHandlers>): void;
}

const upgraders = new WeakMap<Request, (h: SocketHandlers) => boolean>();

export function setUpgrader(request: Request, upgrade: (h: SocketHandlers) => boolean): void {
  upgraders.set(request, upgrade);
}

export function upgraderOf(request: Request): ((h: SocketHandlers) => boolean) | undefined {
  return upgraders.get(request);
}

export const websocketHandlers: Bun.WebSocketHandler<SocketHandlers> = {
  open: (ws) => ws.data.open(ws),
  message: (ws, m) => ws.data.message(ws, m),
  close: (ws) => ws.data.close(ws),
};
