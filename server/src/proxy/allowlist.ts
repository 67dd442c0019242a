/** Model allowlist: exact names or `prefix*` patterns; an empty list allows every model. */
export function createModelAllowlist(patterns: string[]): (model: string) => boolean {
  const list = patterns.map((p) => p.trim()).filter(Boolean);
  if (list.length === 0) return () => true;
  return (model) => list.some((p) => (p.endsWith("*") ? model.startsWith(p.slice(0, -1)) : model === p));
}
