/** Command lines a user can paste back into a POSIX shell. */

/** Quotes an argument only when it needs it (spaces, `$`, quotes, globs...). */
export function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(args: readonly string[]): string {
  return args.map(quoteArg).join(' ');
}
