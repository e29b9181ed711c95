import type { Key } from './en';
import { ruAdmin } from './ru/admin';
import { ruBase } from './ru/base';
import { ruCameras } from './ru/cameras';
import { ruReports } from './ru/reports';
// Diagnostics (diag helper): camera, session and Telegram errors by code.
import { ruDiagnostics } from './ru/diagnostics';

/** Русский: те же ключи, что в en.ts (by area, ru/*.ts). */
export const ru: Record<Key, string> = { ...ruBase, ...ruCameras, ...ruReports, ...ruAdmin, ...ruDiagnostics };
