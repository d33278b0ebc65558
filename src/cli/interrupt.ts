/**
 * Ctrl-C and `kill` during a long command: instead of dying mid-line with the terminal's
 * cursor hidden, the command runs `onSignal` (restore the terminal, say how to resume) and
 * exits with the shell's convention, 128 + the signal number.
 */

const EXIT_CODES: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/** Terminal escapes that show the cursor and turn line wrapping back on. */
export const RESTORE_TERMINAL = '\x1b[?25h\x1b[?7h';

/** Installs the handlers; call the returned function once the long work is over. */
export function onInterrupt(onSignal: (signal: 'SIGINT' | 'SIGTERM') => void): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      try {
        onSignal(signal);
      } finally {
        process.exit(EXIT_CODES[signal]);
      }
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
