/** The `--queue URL` flag of `synth search` and `synth worker`. */
import { checkReachable, parseQueueUrl, QueueConnectionError, QueueUrlError, type QueueLocation } from '../queue/location.ts';
import { UserError } from './errors.ts';

/** Parses a `--queue` URL and checks that Redis answers there, as user errors naming the flag. */
export async function openQueueFlag(text: string, flag = '--queue'): Promise<QueueLocation> {
  try {
    const location = parseQueueUrl(text);
    await checkReachable(location);
    return location;
  } catch (err) {
    if (err instanceof QueueUrlError || err instanceof QueueConnectionError) throw new UserError(`${flag}: ${err.message}`, err.hint);
    throw err;
  }
}
