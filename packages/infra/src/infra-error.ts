/** What went wrong while preparing the local infrastructure; callers branch on `code`, not on text. */
export const InfraErrorCode = {
  InvalidConfig: 'INVALID_CONFIG',
  PortInUse: 'PORT_IN_USE',
  JavaNotFound: 'JAVA_NOT_FOUND',
  JavaTooOld: 'JAVA_TOO_OLD',
  MavenFailed: 'MAVEN_FAILED',
  DownloadFailed: 'DOWNLOAD_FAILED',
  StartFailed: 'START_FAILED',
  NotReady: 'NOT_READY',
  LockTimeout: 'LOCK_TIMEOUT',
} as const;
export type InfraErrorCode = (typeof InfraErrorCode)[keyof typeof InfraErrorCode];

export class InfraError extends Error {
  override readonly name = 'InfraError';
  readonly code: InfraErrorCode;

  constructor(code: InfraErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const isInfraError = (error: unknown, code?: InfraErrorCode): error is InfraError =>
  error instanceof InfraError && (code === undefined || error.code === code);
