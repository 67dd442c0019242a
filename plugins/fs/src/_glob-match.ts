/** Compiles glob patterns (picomatch syntax, dotfiles included) to one matcher; plain RegExp tests are
 * several times faster than picomatch's matcher function on 100k paths. */
import picomatch from "picomatch";

export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const res = patterns.map((p) => picomatch.makeRe(p, { dot: true }));
  if (res.length === 1) {
    const re = res[0]!;
    return (path) => re.test(path);
  }
  return (path) => res.some((re) => re.test(path));
}
