/**
 * Server-sent events as the proxy speaks them: each `LlmEvent` is one message named by its `type`
 * with the event as JSON data; a failure is one `error` message carrying `LlmErrorInfo`. Reading them
 * back is `@loom/sse/read`.
 */
export function encodeSse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
