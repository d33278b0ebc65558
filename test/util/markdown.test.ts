/** The Markdown table writer: whatever the cells hold, every line has exactly one cell per column. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../src/util/markdown.ts';

describe('markdownTable', () => {
  it('writes header, separator with alignment, and rows', () => {
    expect(markdownTable(['model', 'mean |h|'], [['dense', 1.5]], ['l', 'r'])).toEqual(['| model | mean \\|h\\| |', '| --- | ---: |', '| dense | 1.5 |']);
  });

  test.prop([fc.array(fc.string(), { minLength: 1, maxLength: 4 }).chain((header) => fc.tuple(fc.constant(header), fc.array(fc.array(fc.string(), { minLength: header.length, maxLength: header.length }), { maxLength: 4 })))])(
    'keeps one cell per column and one line per row, whatever the text',
    ([header, rows]) => {
      const lines = markdownTable(header, rows);
      expect(lines).toHaveLength(rows.length + 2);
      for (const line of lines) {
        expect(line).not.toMatch(/\n/);
        // GFM splits a row at every `|` not written `\|`.
        expect(line.replace(/\\\|/g, '').split('|').length - 2).toBe(header.length);
      }
    },
  );
});
