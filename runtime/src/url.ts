/** True for an absolute http:// or https:// URL (what provider base URLs and server URLs must be). */
export function isHttpUrl(text: string): boolean {
  const protocol = URL.parse(text)?.protocol;
  return protocol === "http:" || protocol === "https:";
}
