/** Holds the latest message for a webview that may not exist yet (or was closed and reopened). */
import type { HostToView } from "./view-protocol.ts";

export class ViewBridge {
  private last: HostToView | undefined;
  private target: ((m: HostToView) => void) | undefined;

  post(m: HostToView): void {
    this.last = m;
    this.target?.(m);
  }

  attach(target: (m: HostToView) => void): { dispose(): void } {
    this.target = target;
    if (this.last) target(this.last);
    return {
      dispose: () => {
        if (this.target === target) this.target = undefined;
      },
    };
  }
}
