/**
 * Writes to an org-relative path built at run time (the flags page), where the typed `apiSend` of
 * `client.ts` cannot name the route: the same request, credentials and errors, untyped.
 */
import { request } from "./client.ts";

export async function apiWrite<T = unknown>(
  method: "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await request(path, {}, method, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}
