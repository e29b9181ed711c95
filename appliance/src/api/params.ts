import { z } from 'zod';

/** Query and path values arrive as text; only plain decimal notation is a number here. */
export const INTEGER_TEXT = /^-?\d+$/;
export const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/** An integer written in decimal digits ("0x1F", "1e3", "" and " " are refused, not read as numbers). */
export function intText() {
  return z.string().trim().regex(INTEGER_TEXT, 'must be an integer in decimal digits').transform(Number);
}

/** A number in plain decimal notation. */
export function numberText() {
  return z.string().trim().regex(DECIMAL_TEXT, 'must be a decimal number').transform(Number);
}
