/** The search backend interface web_search is written against; Google CSE is one implementation. */
export interface SearchHit {
  title: string;
  url: string;
  snippet: string;
}

export interface SearchBackend {
  /** Short name reported with results, e.g. "google-cse". */
  readonly name: string;
  /** Host the backend talks to, checked against the network grant. */
  readonly host: string;
  search(query: string, opts: { count: number; signal: AbortSignal }): Promise<SearchHit[]>;
}
