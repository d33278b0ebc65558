/**
 * Errors the CLI knows how to report. A `UserError` is the user's to fix (exit 1);
 * anything else reaching the top is a bug in the toolkit (exit 2).
 */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_INTERNAL_ERROR = 2;
