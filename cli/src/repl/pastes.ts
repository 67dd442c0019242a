/**
 * Large pastes: the editor shows `[Pasted text #N +L lines]` instead of the text, and the whole
 * text is put back when the input is submitted. A placeholder the user edits (or deletes) is no
 * longer expanded.
 */

/** A paste longer than this (characters or lines) is collapsed. */
export const COLLAPSE_CHARS = 1000;
export const COLLAPSE_LINES = 10;

export interface Pastes {
  /** The text to insert for a paste: the text itself, or a placeholder for it. */
  collapse(text: string): string;
  /** The input with every placeholder replaced by its paste. */
  expand(input: string): string;
  reset(): void;
}

export function createPastes(): Pastes {
  let held = new Map<string, string>();
  let count = 0;
  return {
    collapse(text) {
      const lines = text.split("\n").length;
      if (text.length <= COLLAPSE_CHARS && lines <= COLLAPSE_LINES) return text;
      count++;
      const label =
        lines > 1
          ? `[Pasted text #${count} +${lines} lines]`
          : `[Pasted text #${count} ${text.length} chars]`;
      held.set(label, text);
      return label;
    },
    expand(input) {
      let out = input;
      for (const [label, text] of held) out = out.split(label).join(text);
      held = new Map();
      return out;
    },
    reset() {
      held = new Map();
    },
  };
}
