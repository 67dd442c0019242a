/**
 * Google credentials for Vertex AI (Gemini, and Claude on Vertex), shared by the provider plugins. Application-default credentials (ADC) in production; a fixed access
 * token for a token minted elsewhere (`gcloud auth print-access-token`) and for tests against a
 * local fake, where no Google token exchange can happen. Either way a failure to obtain
 * credentials surfaces as a `CredentialsError`, which the client reports as permanent.
 */
import { AuthClient, GoogleAuth } from "google-auth-library";

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export class CredentialsError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "CredentialsError";
  }
}

abstract class HeaderOnlyAuth extends AuthClient {
  override request(): never {
    throw new Error("this auth client only supplies headers");
  }
}

export class StaticTokenAuth extends HeaderOnlyAuth {
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
}

export class AdcAuth extends HeaderOnlyAuth {
  readonly #auth = new GoogleAuth({ scopes: [SCOPE] });

  override async getAccessToken(): Promise<{ token?: string | null }> {
    try {
      return { token: await this.#auth.getAccessToken() };
    } catch (e) {
      throw new CredentialsError(e);
    }
  }

  override async getRequestHeaders(url?: string | URL): Promise<Headers> {
    try {
      return await this.#auth.getRequestHeaders(url === undefined ? undefined : String(url));
    } catch (e) {
      throw new CredentialsError(e);
    }
  }
}
