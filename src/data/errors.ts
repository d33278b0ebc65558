/**
 * Failures a data set user can fix (unknown name, bad size, impossible split). The data
 * layer sits below the CLI, so it cannot throw the CLI's `UserError`; commands translate
 * a `DataError` into one, keeping the message and the hint.
 */
import { UserFacingError } from '../util/errors.ts';
export class DataError extends UserFacingError {
  constructor(message: string, hint?: string) {
    super(message, { kind: 'data', hint });
  }
}
