/** Who issued a command. Some transitions are reserved for a human operator. */
export const IssuedBy = {
  /** The decision service, acting on the rollout policy. */
  DECISION: 'DECISION',
  /** A person or an outside pipeline (CLI, HTTP API, CI job). */
  OPERATOR: 'OPERATOR',
} as const;
export type IssuedBy = (typeof IssuedBy)[keyof typeof IssuedBy];
