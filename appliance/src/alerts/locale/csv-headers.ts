import { en, type MessageKey } from './en.js';
import { message, type Language } from './text.js';

/**
 * A report CSV with its column names in the language (the Telegram file of a scheduled report). The
 * CSV is blocks separated by an empty line, each starting with its header line; only the header
 * cells change (`csv.<column>`, `<column>_change`, `<column>_change_pct`, `hNN`), the rows stay as
 * the API writes them. English names are the API's own, so an English CSV comes back unchanged.
 */
export function csvWithHeadersIn(lang: Language, csv: string): string {
  return csv
    .split('\n\n')
    .map((block) => {
      const nl = block.indexOf('\n');
      const head = nl < 0 ? block : block.slice(0, nl);
      return head.split(',').map((cell) => columnName(lang, cell)).join(',') + (nl < 0 ? '' : block.slice(nl));
    })
    .join('\n\n');
}

function columnName(lang: Language, column: string): string {
  const own = (c: string) => (`csv.${c}` in en ? message(lang, `csv.${c}` as MessageKey) : c);
  const change = /^(\w+?)_change(_pct)?$/.exec(column);
  if (change) return message(lang, change[2] ? 'csv.changePct' : 'csv.change', { column: own(change[1]!) });
  const hour = /^h(\d\d)$/.exec(column);
  if (hour) return message(lang, 'csv.hour', { hour: hour[1]! });
  return own(column);
}
