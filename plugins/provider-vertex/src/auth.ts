/**
 * A fixed OAuth access token instead of application-default credentials: for a token minted
 * elsewhere (`gcloud auth print-access-token`, a workload's own token service) and for tests
 * against a local fake, where no Google token exchange can happen.
 */
import { AuthClient } from "google-auth-library";

export class StaticTokenAuth extends AuthClient {
  readonly #token: string;

  constructor(token: string) {
    super();
    this.#token = token;
  }

  override async getAccessToken(): Promise<{ token: string }> {
    return { token: this.#token };
  }

  override async getRequestHeaders(): Promise<Headers> {
    return new Headers({ authorization: `Bearer ${this.#token}` });
  }

  override request(): never {
    throw new Error("StaticTokenAuth only supplies headers; it does not make requests");
  }
}
