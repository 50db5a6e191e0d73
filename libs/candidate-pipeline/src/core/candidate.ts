/** Every candidate has a stable string id; the runner joins batch results by it. */
export interface CandidateBase {
  readonly id: string;
}

/** Every query carries the request identity that ledgers, spans and logs share. */
export interface QueryBase {
  readonly requestId: string;
}
