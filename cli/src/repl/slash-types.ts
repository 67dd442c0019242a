/** The shape of a slash command and what it may use (shared by slash.ts and the command files). */
import type { Session } from "../session/session.ts";
import type { Style } from "./style.ts";

export interface SlashContext {
  session(): Promise<Session>;
  print(line: string): void;
  style: Style;
  exit(): void;
  /** Prints the end of a resumed conversation. */
  showThread(session: Session): void;
  /** The terminal's width in columns (default 80). */
  width?(): number;
  /**
   * Runs `text` as a user turn, as if typed (rendered like one); `tools` limits the turn's tools.
   * Absent where a command cannot start a turn (ACP commands answer with text only).
   */
  runPrompt?(text: string, options?: { tools?: readonly string[] }): Promise<void>;
}

export interface SlashCommand {
  usage: string;
  help: string;
  /** A user's own command (a Markdown file), not a built-in. */
  custom?: boolean;
  run(arg: string, ctx: SlashContext): Promise<void> | void;
}
