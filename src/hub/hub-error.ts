/** Why a model could not be fetched from the Hub; the CLI prints the message as one line and exits 2. */
export type HubErrorCode =
  | 'BAD_MODEL_ID'
  | 'REPO_NOT_FOUND'
  | 'REVISION_NOT_FOUND'
  | 'GATED'
  | 'MISSING_FILES'
  | 'MISSING_ONNX'
  | 'OFFLINE'
  | 'HUB_UNAVAILABLE'
  | 'DOWNLOAD_INTERRUPTED'
  | 'VERIFY_FAILED'
  | 'DISK_FULL';

export class HubError extends Error {
  readonly exitCode = 2;

  constructor(
    readonly code: HubErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}
