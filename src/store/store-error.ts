/** What a client can do about a failed store call; GraphQL answers it as `extensions.code`. */
export type StoreErrorCode =
  /** The database cannot be written (read-only file or file system): an operator must fix it. */
  | 'STORE_READ_ONLY'
  /** The disk is full: an operator must free space. */
  | 'STORE_FULL'
  /** Busy (another process holds the write lock), unreachable (Redis) or an I/O error: retrying later may work. */
  | 'STORE_UNAVAILABLE'
  /** The database file is damaged: an operator must restore it. */
  | 'STORE_CORRUPT'
  /** The store was closed (the server is stopping). */
  | 'STORE_CLOSED';

/**
 * A store failure that is not the caller's input: the write it interrupted left nothing behind. Its message is
 * safe to show a client (no server paths); operators get the file from the process that opened the store.
 */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
