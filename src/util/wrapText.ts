/** Breaks text into lines of at most `width` characters, at a space where one is not too early. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    // A space in the first third would leave a short line; cut the word instead.
    const at = cut > width / 3 ? cut : width;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0) lines.push(rest);
  return lines;
}
