/**
 * Keeps the head and the tail of a stream within a byte cap: the start of an output explains the
 * command, the end usually holds the error. What falls in between is counted, not kept.
 */
export class CappedBuffer {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const headCap = Math.floor(this.cap / 2);
    if (this.headBytes < headCap) {
      const take = chunk.subarray(0, headCap - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    const tailCap = this.cap - headCap;
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= tailCap)
      this.tailBytes -= this.tail.shift()!.length;
  }

  get truncated(): boolean {
    return this.total > this.cap;
  }

  text(): string {
    const head = Buffer.concat(this.head).toString("utf8");
    let tail = Buffer.concat(this.tail);
    if (!this.truncated) return head + tail.toString("utf8");
    const tailCap = this.cap - Math.floor(this.cap / 2);
    tail = tail.subarray(tail.length - tailCap);
    const omitted = this.total - this.headBytes - tail.length;
    return `${head}\n…[${omitted} bytes omitted]…\n${tail.toString("utf8")}`;
  }
}
