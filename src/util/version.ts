/** The toolkit's version, read from package.json (recorded in every run manifest). */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function toolkitVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
