/**
 * Opens the connection to a provider's API ahead of the first request (DNS, TCP and, for https,
 * TLS), through Bun's `fetch.preconnect`, so the handshake overlaps the rest of start-up. Never
 * throws: a URL it cannot use is simply not preconnected.
 */
export function preconnect(url: string | undefined): void {
  if (!url || !URL.canParse(url)) return;
  const f = globalThis.fetch as typeof fetch & { preconnect?: (url: string) => void };
  try {
    f.preconnect?.(url);
  } catch {
    // Only a head start; the request itself reports any connection problem.
  }
}
