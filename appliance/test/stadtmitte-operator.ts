import { STADTMITTE } from './helpers.js';

/**
 * TUD-Stadtmitte as an operator's camera (issue 18): a queue zone in front of a service line at the
 * right of the square (with a capacity of 1), and a known length for speeds — about 12 m from the
 * left to the right edge of the square. Shared by the daemon tests of the engines.
 */
export const STADTMITTE_OPERATOR_CAMERA = {
  id: 'stadtmitte',
  source: STADTMITTE,
  loop: true,
  zones: [{ id: 'queue', points: [[0.3, 0.45], [0.875, 0.45], [0.875, 0.75], [0.3, 0.75]] as Array<[number, number]>, queue: true, service_line: 'counter', capacity: 1 }],
  lines: [{ id: 'counter', points: [[0.875, 0.4], [0.875, 0.8]] as [[number, number], [number, number]] }],
  speed: { reference: { points: [[0, 0.6], [1, 0.6]] as [[number, number], [number, number]], metres: 12 } },
};

/** An area counted over the service line, watched by the queue zone. */
export const WALKWAY_AREA = { id: 'walkway', capacity: 5, lines: [{ camera: 'stadtmitte', line: 'counter' }], inside: [{ camera: 'stadtmitte', zone: 'queue' }] };
