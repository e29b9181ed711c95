/**
 * A diagnostic an operator can read in their language: a stable code the dashboard words from its
 * locale files (`diag.<code>`), the figures its sentence needs (seconds, an HTTP status, a size
 * limit), and beside it, unchanged, the raw text (ffmpeg's stderr line, Telegram's description) for
 * the expert. Codes are classified where the text arises (sources/source-diagnostic.ts,
 * sync/telegram-client.ts); the raw text stays in the field it always had.
 */
import { z } from 'zod';

/** Figures and short words a diagnostic's sentence is filled with. */
export type DiagnosticParams = Record<string, string | number>;

export interface Diagnostic {
  code: string;
  params: DiagnosticParams;
}

/** A diagnostic's parameters as served (the OpenAPI document's shape). */
export const diagnosticParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));

export function diagnostic(code: string, params: DiagnosticParams = {}): Diagnostic {
  return { code, params };
}
