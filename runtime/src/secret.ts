const REDACTED = "[redacted]";

/**
 * Wraps a secret so it never prints or serialises by accident.
 * @example
 * const key = new Secret(process.env.ANTHROPIC_API_KEY ?? "");
 * String(key); // "[redacted]"
 * key.expose(); // the real value, only where it is needed
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  expose(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
