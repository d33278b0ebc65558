/** Parsers for option values, shared by the subcommands: each failure names the flag and a fix. */
import { UserError } from './errors.ts';

export function parseInteger(flag: string, text: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new UserError(`${flag}: expected an integer ${range}, got "${text}"`, `for example ${flag} ${Math.max(min, Math.min(max, 8))}`);
  }
  return value;
}

/** `parseInteger` of a flag that may be absent (then undefined). */
export function parseOptionalInteger(flag: string, text: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return text === undefined ? undefined : parseInteger(flag, text, min, max);
}

export function parseNumber(flag: string, text: string, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UserError(`${flag}: expected a number in [${min}, ${max}], got "${text}"`);
  }
  return value;
}

export function parseChoice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UserError(`${flag}: unknown value "${text}"`, `use one of ${choices.join(', ')}`);
}

/** A comma-separated list whose items must all be among `choices` (empty string: empty list). */
export function parseChoiceList<T extends string>(flag: string, text: string, choices: readonly T[]): T[] {
  if (text.trim() === '' || text.trim() === 'none') return [];
  return text.split(',').map((item) => parseChoice(flag, item.trim(), choices));
}
