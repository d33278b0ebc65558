// Lets Node load this package's TypeScript sources (no build step): `node --import gssnn-synth/register script.ts`.
import { register } from 'tsx/esm/api';

register();
