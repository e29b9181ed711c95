import { describe, expect, it } from 'vitest';
import { nextDaily, nextHour, startOfLocalDay } from './reports.js';

describe('report schedule', () => {
  it('runs hourly reports at the next full hour', () => {
    const t = Date.UTC(2026, 10, 23, 10, 59, 59, 500);
    expect(nextHour(t)).toBe(Date.UTC(2026, 10, 23, 11, 0, 0));
    expect(nextHour(Date.UTC(2026, 10, 23, 11, 0, 0))).toBe(Date.UTC(2026, 10, 23, 12, 0, 0));
  });

  it('runs the daily report at the next local HH:MM, today or tomorrow', () => {
    const morning = new Date(2026, 10, 23, 0, 1).getTime();
    expect(new Date(nextDaily(morning, '00:05'))).toEqual(new Date(2026, 10, 23, 0, 5));
    const later = new Date(2026, 10, 23, 9, 0).getTime();
    expect(new Date(nextDaily(later, '00:05'))).toEqual(new Date(2026, 10, 24, 0, 5));
    expect(new Date(startOfLocalDay(later))).toEqual(new Date(2026, 10, 23));
  });
});
