/**
 * A CSV text cell (names, ids, who): quoted when it holds a separator, quote or line break; a leading
 * formula character (= + - @) is defused with a quote mark, so a spreadsheet shows a name such as
 * "=SUM(A1)" as text instead of running it.
 */
export function csvText(s: string): string {
  const v = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
