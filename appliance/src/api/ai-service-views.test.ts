import { describe, expect, it } from 'vitest';
import type { ReportBody } from '../analytics/report-builder.js';
import type { SessionView } from '../analytics/session-view.js';
import { heatmapOf, statusOf } from './ai-service-views.js';

const session = (status: SessionView['status'], error: string | null = null) => ({ status, error }) as SessionView;

describe('AI-service answers', () => {
  it('maps session states onto queued, processing, completed and failed', () => {
    expect(statusOf(session('created'), false)).toEqual({ status: 'queued', error: null });
    // Started but waiting for another session's analysis to end.
    expect(statusOf(session('running'), false)).toEqual({ status: 'queued', error: null });
    expect(statusOf(session('running'), true)).toEqual({ status: 'processing', error: null });
    expect(statusOf(session('completed'), false)).toEqual({ status: 'completed', error: null });
    expect(statusOf(session('failed', 'cannot open rtsp://***@cam/1'), false)).toEqual({ status: 'failed', error: 'cannot open rtsp://***@cam/1' });
    expect(statusOf(session('cancelled'), false)).toEqual({ status: 'failed', error: 'cancelled' });
  });

  it('serves the report heatmap as rows, top first, resampled with its total kept', () => {
    // 4 × 2 grid: the top row holds 1, 2, 3, 4; the bottom row 10 in its last cell.
    const body = { heatmaps: [{ camera: 'c', kind: 'presence', width: 4, height: 2, max: 10, values: [1, 2, 3, 4, 0, 0, 0, 10] }] } as unknown as ReportBody;
    const same = heatmapOf(body, 4, 2);
    expect(same.grid).toEqual([
      [1, 2, 3, 4],
      [0, 0, 0, 10],
    ]);
    expect(same).toMatchObject({ width: 4, height: 2, max: 10, total: 20 });
    const halved = heatmapOf(body, 2, 1);
    expect(halved.grid).toEqual([[3, 17]]);
    expect(halved.total).toBe(20);
    const none = heatmapOf({ heatmaps: [] } as unknown as ReportBody, 3, 2);
    expect(none).toMatchObject({ width: 3, height: 2, max: 0, total: 0, grid: [[0, 0, 0], [0, 0, 0]] });
  });
});
