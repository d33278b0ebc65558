/**
 * Exit codes, and the error of a bad flag. Every `UserFacingError` (this one included) is the
 * user's to fix (exit 1); anything else reaching the top is a bug in the toolkit (exit 2).
 */
import { UserFacingError } from '../util/errors.ts';
export class UserError extends UserFacingError {
  constructor(message: string, hint?: string) {
    super(message, { kind: 'usage', hint });
  }
}

export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_INTERNAL_ERROR = 2;
