/** Milliseconds from sending a request to the end of its body; a non-2xx answer throws. */
export async function timed(f: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await f();
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`HTTP ${res.status} from the bench server`);
  return ms;
}
