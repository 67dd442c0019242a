/** Writes to the server (POST/PUT/DELETE) with the signed-in token; errors as `ApiError`. */
import { ApiError } from "./client.ts";
import { getToken } from "./session.ts";

export async function apiSend<T = unknown>(
  method: "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const token = getToken();
  const res = await fetch(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string };
    } | null;
    throw new ApiError(
      res.status,
      err?.error?.code ?? "HTTP_ERROR",
      err?.error?.message ?? `${res.status} ${res.statusText}`,
    );
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}
