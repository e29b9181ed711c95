import type { Key } from './en';
import { ruAdmin } from './ru/admin';
import { ruBase } from './ru/base';
import { ruCameras } from './ru/cameras';
import { ruReports } from './ru/reports';

/** Русский: те же ключи, что в en.ts (by area, ru/*.ts). */
export const ru: Record<Key, string> = { ...ruBase, ...ruCameras, ...ruReports, ...ruAdmin };
