/** The one Markdown table writer: every cell (header too) escaped, so a `|` in program text or a caption cannot split a row. */

/** A cell's text with `|` escaped and line breaks folded into spaces. */
export function markdownCell(value: string | number): string {
  return String(value).replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, ' ');
}

/** The table's lines: header, separator (`---:` for right-aligned columns), one line per row. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[], align?: readonly ('l' | 'r')[]): string[] {
  const separator = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(header), `| ${separator.join(' | ')} |`, ...rows.map(line)];
}
