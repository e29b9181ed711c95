import { describe, expect, it } from 'vitest';
import { boxToXyah, KalmanFilter } from './kalman-filter.js';

// Naive dense reference of ByteTrack's numpy KalmanFilter, to check the unrolled maths.
type M = number[][];
const zeros = (r: number, c: number): M => Array.from({ length: r }, () => new Array<number>(c).fill(0));
const mul = (a: M, b: M): M => {
  const out = zeros(a.length, b[0]!.length);
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b[0]!.length; j++) {
      let s = 0;
      for (let k = 0; k < b.length; k++) s += a[i]![k]! * b[k]![j]!;
      out[i]![j] = s;
    }
  return out;
};
const tr = (a: M): M => a[0]!.map((_, j) => a.map((row) => row[j]!));
const add = (a: M, b: M, sign = 1): M => a.map((row, i) => row.map((v, j) => v + sign * b[i]![j]!));
const diag = (v: number[]): M => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
function inv(a: M): M {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...diag(new Array<number>(n).fill(1))[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pv = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= pv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}
const F = (() => {
  const f = diag(new Array<number>(8).fill(1));
  for (let i = 0; i < 4; i++) f[i]![i + 4] = 1;
  return f;
})();
const H = zeros(4, 8).map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
const toM = (a: Float64Array, r: number, c: number): M =>
  Array.from({ length: r }, (_, i) => Array.from(a.subarray(i * c, i * c + c)));

function refPredict(mean: number[], cov: M): [number[], M] {
  const h = mean[3]!;
  const wp = 1 / 20;
  const wv = 1 / 160;
  const q = diag([wp * h, wp * h, 1e-2, wp * h, wv * h, wv * h, 1e-5, wv * h].map((s) => s * s));
  const m = mul([mean], tr(F))[0]!;
  return [m, add(mul(mul(F, cov), tr(F)), q)];
}
function refUpdate(mean: number[], cov: M, z: number[]): [number[], M] {
  const h = mean[3]!;
  const r = diag([h / 20, h / 20, 1e-1, h / 20].map((s) => s * s));
  const s = add(mul(mul(H, cov), tr(H)), r);
  const k = mul(mul(cov, tr(H)), inv(s));
  const y = z.map((v, i) => v - mean[i]!);
  const m = mean.map((v, i) => v + y.reduce((acc, yi, j) => acc + k[i]![j]! * yi, 0));
  return [m, add(cov, mul(mul(k, s), tr(k)), -1)];
}

describe('KalmanFilter', () => {
  it('initiates with ByteTrack stds and zero velocity', () => {
    const kf = new KalmanFilter();
    const { mean, covariance } = kf.initiate([100, 50, 0.5, 80]);
    expect(Array.from(mean)).toEqual([100, 50, 0.5, 80, 0, 0, 0, 0]);
    expect(covariance[0]).toBeCloseTo((2 * 80 / 20) ** 2, 12);
    expect(covariance[36]).toBeCloseTo((10 * 80 / 160) ** 2, 12);
    expect(covariance[18]).toBeCloseTo(1e-4, 15);
    expect(covariance[54]).toBeCloseTo(1e-10, 20);
    expect(covariance[1]).toBe(0);
  });

  it('matches a dense reference over predict/update cycles', () => {
    const kf = new KalmanFilter();
    const { mean, covariance } = kf.initiate([200, 120, 0.4, 90]);
    let rm = Array.from(mean);
    let rc = toM(covariance, 8, 8);
    for (let step = 1; step <= 30; step++) {
      kf.predict(mean, covariance);
      [rm, rc] = refPredict(rm, rc);
      const z = [200 + 3 * step + Math.sin(step), 120 - 2 * step, 0.4 + 0.01 * Math.cos(step), 90 + 0.5 * step];
      kf.update(mean, covariance, z);
      [rm, rc] = refUpdate(rm, rc, z);
      for (let i = 0; i < 8; i++) expect(mean[i]).toBeCloseTo(rm[i]!, 8);
      const c = toM(covariance, 8, 8);
      for (let i = 0; i < 8; i++)
        for (let j = 0; j < 8; j++) {
          expect(c[i]![j]).toBeCloseTo(rc[i]![j]!, 8);
          expect(c[i]![j]).toBe(c[j]![i]);
        }
    }
  });

  it('converges to a constant velocity', () => {
    const kf = new KalmanFilter();
    const z = new Float64Array(4);
    const { mean, covariance } = kf.initiate(boxToXyah(100, 100, 140, 200, z));
    for (let k = 1; k <= 100; k++) {
      kf.predict(mean, covariance);
      const dx = 3 * k;
      const dy = -2 * k;
      kf.update(mean, covariance, boxToXyah(100 + dx, 100 + dy, 140 + dx, 200 + dy, z));
    }
    expect(mean[4]).toBeCloseTo(3, 3);
    expect(mean[5]).toBeCloseTo(-2, 3);
    expect(mean[6]).toBeCloseTo(0, 6);
    expect(mean[7]).toBeCloseTo(0, 3);
    expect(mean[0]).toBeCloseTo(120 + 300, 2);
    expect(mean[1]).toBeCloseTo(150 - 200, 2);
    // One more prediction lands on the next true position.
    kf.predict(mean, covariance);
    expect(mean[0]).toBeCloseTo(120 + 303, 2);
    expect(mean[1]).toBeCloseTo(150 - 202, 2);
  });

  it('predict with dt scales the motion', () => {
    const kf = new KalmanFilter();
    const { mean, covariance } = kf.initiate([0, 0, 1, 100]);
    mean[4] = 2;
    mean[5] = -1;
    kf.predict(mean, covariance, 3);
    expect(mean[0]).toBe(6);
    expect(mean[1]).toBe(-3);
  });
});
