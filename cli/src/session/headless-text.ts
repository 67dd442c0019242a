/**
 * The model's text on stdout for `loom run`. A request that fails mid-stream and is retried
 * streams its answer again from the start; so that stdout never holds a failed attempt's words
 * (twice, or cut off), piped output is written a whole message at a time (a failed attempt's text is dropped),
 * while a terminal keeps streaming and just starts the retried answer on a new line.
 */
import type { Renderer } from "../repl/render.ts";
import type { SessionEvent } from "./events.ts";

export interface HeadlessText {
  /** Takes the events that concern stdout's text; returns false for any other event. */
  event(e: SessionEvent): boolean;
}

export function createHeadlessText(text: Renderer, streaming: boolean): HeadlessText {
  let pending: Extract<SessionEvent, { type: "agent.text_delta" }>[] = [];
  const flush = () => {
    for (const d of pending) text.event(d);
    pending = [];
  };
  return {
    event(e) {
      switch (e.type) {
        case "agent.text_delta":
          if (streaming) text.event(e);
          else pending.push(e);
          return true;
        case "agent.message":
          flush();
          return true;
        case "llm.failed":
          // The failed request's words are void, whether or not it is retried.
          pending = [];
          text.newline();
          return false;
        case "tool.started":
          flush();
          text.newline();
          return false;
        case "turn.completed":
          flush();
          text.newline();
          return true;
        default:
          return false;
      }
    },
  };
}
