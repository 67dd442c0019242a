/**
 * Raw terminal input as key events. Stateful only across chunks of a bracketed paste (and an
 * escape sequence cut between two reads); everything else is decided per chunk. A lone ESC at the
 * end of a chunk is the Esc key. A carriage return followed by more text in the same chunk is a
 * pasted line break (a terminal without bracketed paste), not Enter.
 */

export type Key =
  | { type: "text"; text: string }
  | { type: "paste"; text: string }
  | {
      type:
        | "enter"
        | "newline"
        | "tab"
        | "shift-tab"
        | "escape"
        | "backspace"
        | "delete"
        | "left"
        | "right"
        | "up"
        | "down"
        | "home"
        | "end"
        | "word-left"
        | "word-right"
        | "delete-word-back"
        | "kill-line"
        | "kill-to-start"
        | "ctrl-c"
        | "ctrl-d"
        | "ctrl-l"
        | "ctrl-o"
        | "ctrl-v";
    };

export type KeyType = Key["type"];
type PlainKey = Exclude<KeyType, "text" | "paste">;

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

const CONTROL: Record<string, PlainKey> = {
  "\x01": "home",
  "\x02": "left",
  "\x03": "ctrl-c",
  "\x04": "ctrl-d",
  "\x05": "end",
  "\x06": "right",
  "\x08": "backspace",
  "\t": "tab",
  "\n": "newline",
  "\x0b": "kill-line",
  "\x0c": "ctrl-l",
  "\x0e": "down",
  "\x0f": "ctrl-o",
  "\x10": "up",
  "\x15": "kill-to-start",
  "\x16": "ctrl-v",
  "\x17": "delete-word-back",
  "\x7f": "backspace",
};

/** CSI and SS3 sequences by their final byte (and parameters, where they matter). */
function csiKey(params: string, final: string): PlainKey | undefined {
  const mod = params.split(";")[1];
  const word = mod === "5" || mod === "3";
  switch (final) {
    case "A":
      return "up";
    case "B":
      return "down";
    case "C":
      return word ? "word-right" : "right";
    case "D":
      return word ? "word-left" : "left";
    case "H":
      return "home";
    case "F":
      return "end";
    case "Z":
      return "shift-tab";
    case "~": {
      const n = params.split(";")[0];
      if (n === "1" || n === "7") return "home";
      if (n === "4" || n === "8") return "end";
      if (n === "3") return "delete";
      return undefined;
    }
    default:
      return undefined;
  }
}

export interface KeyDecoder {
  feed(chunk: string): Key[];
}

export function createKeyDecoder(): KeyDecoder {
  let paste: string | undefined;
  let carry = "";

  return {
    feed(chunk) {
      const keys: Key[] = [];
      const s = carry + chunk;
      carry = "";
      let text = "";
      const flushText = () => {
        if (text) keys.push({ type: "text", text });
        text = "";
      };
      const push = (type: PlainKey) => {
        flushText();
        keys.push({ type } as Key);
      };
      let i = 0;
      while (i < s.length) {
        if (paste !== undefined) {
          const end = s.indexOf(PASTE_END, i);
          if (end < 0) {
            // Keep a possible partial end marker for the next chunk.
            const keep = partialSuffix(s.slice(i), PASTE_END);
            paste += s.slice(i, s.length - keep);
            carry = s.slice(s.length - keep);
            return keys;
          }
          paste += s.slice(i, end);
          keys.push({ type: "paste", text: paste.replace(/\r\n?/g, "\n") });
          paste = undefined;
          i = end + PASTE_END.length;
          continue;
        }
        const c = s[i]!;
        if (c === "\x1b") {
          if (s.startsWith(PASTE_START, i)) {
            flushText();
            paste = "";
            i += PASTE_START.length;
            continue;
          }
          const next = s[i + 1];
          if (next === undefined) {
            push("escape");
            i++;
            continue;
          }
          if (next === "[" || next === "O") {
            const m = /^[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/.exec(s.slice(i + 2));
            if (!m) {
              // An escape sequence cut between reads: wait for its end.
              if (s.length - i < 16) {
                flushText();
                carry = s.slice(i);
                return keys;
              }
              i += 2;
              continue;
            }
            const seq = m[0];
            const k = csiKey(seq.slice(0, -1), seq.slice(-1));
            if (k) push(k);
            i += 2 + seq.length;
            continue;
          }
          // Alt+key.
          if (next === "\r") push("newline");
          else if (next === "\x7f" || next === "\x08") push("delete-word-back");
          else if (next === "b") push("word-left");
          else if (next === "f") push("word-right");
          else if (next === "\x1b") {
            push("escape");
            i++;
            continue;
          }
          i += 2;
          continue;
        }
        if (c === "\r") {
          // Text after it in the same read: a pasted line break, not the user pressing Enter.
          const after = s[s[i + 1] === "\n" ? i + 2 : i + 1];
          if (after !== undefined && after !== "\x1b") text += "\n";
          else push("enter");
          i += s[i + 1] === "\n" ? 2 : 1;
          continue;
        }
        const control = CONTROL[c];
        if (control) {
          if (control === "newline" && i + 1 < s.length) text += "\n";
          else push(control);
          i++;
          continue;
        }
        if (c < " ") {
          i++;
          continue;
        }
        text += c;
        i++;
      }
      flushText();
      return keys;
    },
  };
}

/** How many characters at the end of `s` begin `marker` (a marker split across reads). */
function partialSuffix(s: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, s.length); n > 0; n--)
    if (marker.startsWith(s.slice(-n))) return n;
  return 0;
}
