/**
 * The Anthropic SDK warns with `console.warn` at the start of every `messages.create` for a
 * deprecated model (four times in a four-request run, unprefixed, over whatever the front end
 * draws). Those warnings are caught during the call's synchronous start and handed to the
 * caller's `notice` once each, on one line, named `anthropic:`.
 */
import { PROVIDER } from "./errors.ts";

export function sdkWarningsOnce(notice?: (message: string) => void): <T>(call: () => T) => T {
  const told = new Set<string>();
  const tell =
    notice ??
    ((message: string) => {
      process.stderr.write(`${message}\n`);
    });
  return <T>(call: () => T): T => {
    const caught: string[] = [];
    const original = console.warn;
    // The SDK warns synchronously before its first await, so the swap covers this call only.
    console.warn = (...args: unknown[]) => {
      caught.push(args.map(String).join(" "));
    };
    try {
      return call();
    } finally {
      console.warn = original;
      for (const raw of caught) {
        const line = `${PROVIDER}: ${raw.replace(/\s*\n\s*/g, "; ").trim()}`;
        if (told.has(line)) continue;
        told.add(line);
        tell(line);
      }
    }
  };
}
