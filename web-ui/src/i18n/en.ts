import { enAdmin } from './en/admin';
import { enBase } from './en/base';
import { enCameras } from './en/cameras';
import { enReports } from './en/reports';
// Diagnostics (diag helper): camera, session and Telegram errors by code.
import { enDiagnostics } from './en/diagnostics';

/** Every string of the dashboard in English, by area (en/*.ts); ru.ts must have the same keys (the compiler checks). */
export const en = { ...enBase, ...enCameras, ...enReports, ...enAdmin, ...enDiagnostics } as const;

export type Key = keyof typeof en;
