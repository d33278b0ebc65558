/**
 * Failures a data set user can fix (unknown name, bad size, impossible split). The data
 * layer sits below the CLI, so it cannot throw the CLI's `UserError`; commands translate
 * a `DataError` into one, keeping the message and the hint.
 */
export class DataError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'DataError';
  }
}
