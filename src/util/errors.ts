/**
 * The one base of errors a user can fix: bad input, a missing file, an impossible setting, an
 * unreachable service. Each says what went wrong (`message`), what kind of problem it is
 * (`kind`), where (`where`: a file, a flag, a field; when known) and how to fix it (`hint`).
 * `synth` reports any of them as `synth: <where>: <message>` plus the hint, with exit 1;
 * every other exception is a bug (exit 2). Expected failures inside the library (a program
 * that does not parse or type-check) stay `Result` values; these are thrown at the boundary.
 */
export interface UserFacingErrorOptions {
  /**
   * A short, stable name of the problem for programs that handle it: 'usage' (a flag or
   * setting), 'data', 'file', 'environment' (a backend, a queue server), 'program', or a
   * subclass's own ('parse', 'type', 'dsl-file', 'run-locked', a run store's 'missing' ...).
   */
  readonly kind: string;
  readonly where?: string;
  readonly hint?: string;
  readonly cause?: unknown;
}

export class UserFacingError extends Error {
  readonly kind: string;
  readonly where?: string;
  readonly hint?: string;

  constructor(message: string, options: UserFacingErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = options.kind;
    this.where = options.where;
    this.hint = options.hint;
  }

  /** `where: message`, or the message alone when it already starts with `where`. */
  describe(): string {
    return this.where === undefined || this.message.startsWith(this.where) ? this.message : `${this.where}: ${this.message}`;
  }
}
