/**
 * How deep a JSON text nests, found by one scan of the text before it is parsed: a body nested
 * 100,000 levels (~200 KB) parses, but then overflows the stack of whatever walks it (schema
 * validation, a provider SDK's serialiser). Every JSON body the server takes is refused past
 * `MAX_JSON_DEPTH`; real bodies (threads, LLM requests with tool schemas) stay far below it.
 */

/** Arrays and objects inside one another, counting the outermost as 1. */
export const MAX_JSON_DEPTH = 128;

/**
 * True when `text` opens more than `max` arrays or objects inside one another. Brackets inside
 * strings do not count; the text need not be valid JSON (the parser judges that afterwards).
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  // Most bodies open fewer brackets in all than the limit (a thread is mostly long strings): counting
  // them with indexOf (native, fast) settles it without the character-by-character scan.
  if (bracketsAtMost(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** True when `text` holds at most `max` opening brackets (`[` and `{`, in strings or not). */
function bracketsAtMost(text: string, max: number): boolean {
  let n = 0;
  for (const open of ["{", "["]) {
    for (let i = text.indexOf(open); i !== -1; i = text.indexOf(open, i + 1)) if (++n > max) return false;
  }
  return true;
}
