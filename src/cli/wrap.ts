/** Fitting text to the terminal: wrapped at word boundaries, tables in aligned columns. */

/**
 * The width to fit: the terminal's, else $COLUMNS, else none (a pipe gets each line whole, so
 * scripts and `grep` see one line per message).
 */
export function widthOf(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): number | null {
  const columns = (stream as { isTTY?: boolean; columns?: number }).isTTY ? (stream as { columns?: number }).columns : undefined;
  const fromEnv = Number(env.COLUMNS);
  const width = columns ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : null);
  return width === null ? null : Math.max(width, 40);
}

/** Code points, not UTF-16 units: Vietnamese letters are one column each once composed. */
export function columns(text: string): number {
  return [...text.normalize('NFC')].length;
}

/**
 * One line wrapped at spaces to `width`, its runs of spaces kept where it does not break; the
 * continuation lines are indented like the first line plus `hang`. A word wider than the line
 * stays whole.
 */
export function wrapLine(line: string, width: number | null, hang = 2): string[] {
  if (width === null || columns(line) <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const indent = ' '.repeat(lead.length + hang);
  const pieces = line.slice(lead.length).split(/( +)/);
  const lines: string[] = [];
  let current = lead + (pieces[0] ?? '');
  for (let i = 1; i + 1 < pieces.length; i += 2) {
    const space = pieces[i]!;
    const word = pieces[i + 1]!;
    if (columns(current) + columns(space) + columns(word) > width) {
      lines.push(current);
      current = indent + word;
    } else {
      current += space + word;
    }
  }
  lines.push(current);
  return lines;
}

/** Every line of `text` wrapped to `width`. */
export function wrap(text: string, width: number | null, hang = 2): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width, hang))
    .join('\n');
}

/**
 * Rows in columns padded to the widest cell; the last column is left ragged. Wider than `width`,
 * the widest column gives up what the line lacks (down to its longest word) and cells wrap inside
 * their column, so a row takes two lines instead of breaking across the others.
 */
export function table(rows: readonly (readonly string[])[], width: number | null = null, gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, columns(cell))));
  const total = widths.reduce((sum, w) => sum + w, 0) + gap.length * (widths.length - 1);
  if (width !== null && total > width && widths.length > 1) {
    const widest = widths.slice(0, -1).indexOf(Math.max(...widths.slice(0, -1)));
    const longestWord = Math.max(...rows.flatMap((row) => (row[widest] ?? '').split(' ').map(columns)));
    widths[widest] = Math.max(widths[widest]! - (total - width), longestWord);
  }
  // The last column takes what is left of the line, if anything is.
  const used = widths.slice(0, -1).reduce((sum, w) => sum + w + gap.length, 0);
  const last = width === null ? null : Math.max(width - used, 1);
  return rows.flatMap((row) => {
    const cells = row.map((cell, i) => wrapLine(cell, i === row.length - 1 ? last : widths[i]!, 0));
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, k) =>
      cells.map((c, i) => (i === cells.length - 1 ? (c[k] ?? '') : (c[k] ?? '') + ' '.repeat(widths[i]! - columns(c[k] ?? '')))).join(gap).trimEnd(),
    );
  });
}
