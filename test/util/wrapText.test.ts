import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { wrapText } from '../../src/util/wrapText.ts';

describe('wrapText', () => {
  fcTest.prop([fc.array(fc.stringMatching(/^[a-z()$0-9]{1,12}$/), { maxLength: 40 }), fc.integer({ min: 4, max: 80 })])(
    'keeps every line within the width and loses no character but the spaces it breaks at',
    (words, width) => {
      const text = words.join(' ');
      const lines = wrapText(text, width);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      if (text.length <= width) expect(lines).toEqual(text ? [text] : []);
    },
  );
});
