/**
 * Constant-velocity Kalman filter for bounding boxes, as used by ByteTrack (after DeepSORT).
 *
 * State (8): cx, cy, a, h, vcx, vcy, va, vh — box centre, aspect ratio w/h, height, and their
 * per-step velocities. Measurements are (cx, cy, a, h). Process and measurement noise scale with
 * the box height through std_weight_position = 1/20 and std_weight_velocity = 1/160.
 *
 * Means are Float64Array(8) and covariances Float64Array(64) (row-major 8×8). `predict` and
 * `update` work in place and allocate nothing: the transition matrix is [[I, dt·I], [0, I]], so
 * F·P·Fᵀ reduces to block additions, and the 4×4 innovation covariance is solved by a hand-unrolled
 * Cholesky factorisation. The maths is the general 8×8 one (no independence between coordinates is
 * assumed), so results match the numpy reference to rounding.
 */

export const STD_WEIGHT_POSITION = 1 / 20;
/** Real time of one Kalman step: the noise constants are per frame of the 25 fps footage they were made for. */
export const KALMAN_STEP_SECONDS = 1 / 25;
export const STD_WEIGHT_VELOCITY = 1 / 160;

/** Measurement (cx, cy, a, h) of a box given by its corners. */
export function boxToXyah(x1: number, y1: number, x2: number, y2: number, out: Float64Array): Float64Array {
  const h = y2 - y1;
  out[0] = (x1 + x2) / 2;
  out[1] = (y1 + y2) / 2;
  out[2] = (x2 - x1) / h;
  out[3] = h;
  return out;
}

export class KalmanFilter {
  /** Scratch buffers (the filter is used from one thread; calls never nest). */
  private readonly hp = new Float64Array(32); // first 4 rows of P (= H·P)
  private readonly gain = new Float64Array(32); // K, 8×4 row-major
  private readonly innov = new Float64Array(4);

  constructor(
    readonly stdWeightPosition: number = STD_WEIGHT_POSITION,
    readonly stdWeightVelocity: number = STD_WEIGHT_VELOCITY,
  ) {}

  /** New track from an unassociated measurement (cx, cy, a, h): zero velocity, wide covariance. */
  initiate(
    measurement: ArrayLike<number>,
    mean: Float64Array = new Float64Array(8),
    covariance: Float64Array = new Float64Array(64),
  ): { mean: Float64Array; covariance: Float64Array } {
    const h = measurement[3]!;
    for (let i = 0; i < 4; i++) {
      mean[i] = measurement[i]!;
      mean[i + 4] = 0;
    }
    covariance.fill(0);
    const sp = 2 * this.stdWeightPosition * h;
    const sv = 10 * this.stdWeightVelocity * h;
    covariance[0] = sp * sp;
    covariance[9] = sp * sp;
    covariance[18] = 1e-2 * 1e-2;
    covariance[27] = sp * sp;
    covariance[36] = sv * sv;
    covariance[45] = sv * sv;
    covariance[54] = 1e-5 * 1e-5;
    covariance[63] = sv * sv;
    return { mean, covariance };
  }

  /**
   * Prediction step, in place: x ← F·x, P ← F·P·Fᵀ + Q·dt. `dt` is in steps (ByteTrack steps once
   * per frame with dt = 1); the process noise Q, computed from the height before the step, is a
   * variance per step and grows linearly with dt (a random walk), so a prediction over a longer gap
   * between frames is correspondingly less certain.
   */
  predict(mean: Float64Array, covariance: Float64Array, dt = 1): void {
    const h = mean[3]!;
    const p = this.stdWeightPosition * h;
    const v = this.stdWeightVelocity * h;
    const qp = p * p * dt;
    const qv = v * v * dt;
    const qa = 1e-2 * 1e-2 * dt;
    const qva = 1e-5 * 1e-5 * dt;
    mean[0]! += dt * mean[4]!;
    mean[1]! += dt * mean[5]!;
    mean[2]! += dt * mean[6]!;
    mean[3]! += dt * mean[7]!;
    const P = covariance;
    const dt2 = dt * dt;
    // Blocks [[A, B], [C, D]]: A' = A + dt(B + C) + dt²D, B' = B + dt·D, C' = C + dt·D, D' = D.
    for (let i = 0; i < 4; i++) {
      const ra = i * 8;
      const rc = ra + 32;
      for (let j = 0; j < 4; j++) {
        const a = P[ra + j]!;
        const b = P[ra + j + 4]!;
        const c = P[rc + j]!;
        const d = P[rc + j + 4]!;
        P[ra + j] = a + dt * (b + c) + dt2 * d;
        P[ra + j + 4] = b + dt * d;
        P[rc + j] = c + dt * d;
      }
    }
    P[0]! += qp;
    P[9]! += qp;
    P[18]! += qa;
    P[27]! += qp;
    P[36]! += qv;
    P[45]! += qv;
    P[54]! += qva;
    P[63]! += qv;
  }

  /**
   * Projection to measurement space: writes H·x into `outMean` (4) and H·P·Hᵀ + R into `outCov`
   * (16, row-major).
   */
  project(mean: Float64Array, covariance: Float64Array, outMean: Float64Array, outCov: Float64Array): void {
    const p = this.stdWeightPosition * mean[3]!;
    const r = p * p;
    for (let i = 0; i < 4; i++) {
      outMean[i] = mean[i]!;
      for (let j = 0; j < 4; j++) outCov[i * 4 + j] = covariance[i * 8 + j]!;
    }
    outCov[0]! += r;
    outCov[5]! += r;
    outCov[10]! += 1e-1 * 1e-1;
    outCov[15]! += r;
  }

  /** Correction step with measurement (cx, cy, a, h), in place. */
  update(mean: Float64Array, covariance: Float64Array, measurement: ArrayLike<number>): void {
    const P = covariance;
    const hp = this.hp;
    const K = this.gain;
    const y = this.innov;
    for (let i = 0; i < 32; i++) hp[i] = P[i]!;
    // Innovation covariance S = H·P·Hᵀ + R (symmetric; lower triangle read).
    const p = this.stdWeightPosition * mean[3]!;
    const r = p * p;
    const s00 = P[0]! + r;
    const s10 = P[8]!;
    const s11 = P[9]! + r;
    const s20 = P[16]!;
    const s21 = P[17]!;
    const s22 = P[18]! + 1e-1 * 1e-1;
    const s30 = P[24]!;
    const s31 = P[25]!;
    const s32 = P[26]!;
    const s33 = P[27]! + r;
    // Cholesky S = L·Lᵀ.
    const l00 = Math.sqrt(s00);
    const i00 = 1 / l00;
    const l10 = s10 * i00;
    const l20 = s20 * i00;
    const l30 = s30 * i00;
    const l11 = Math.sqrt(s11 - l10 * l10);
    const i11 = 1 / l11;
    const l21 = (s21 - l20 * l10) * i11;
    const l31 = (s31 - l30 * l10) * i11;
    const l22 = Math.sqrt(s22 - l20 * l20 - l21 * l21);
    const i22 = 1 / l22;
    const l32 = (s32 - l30 * l20 - l31 * l21) * i22;
    const l33 = Math.sqrt(s33 - l30 * l30 - l31 * l31 - l32 * l32);
    const i33 = 1 / l33;
    // K = P·Hᵀ·S⁻¹: row r of K solves S·k = (row r of P·Hᵀ) = P[r][0..3].
    for (let row = 0; row < 8; row++) {
      const o = row * 8;
      const u0 = P[o]! * i00;
      const u1 = (P[o + 1]! - l10 * u0) * i11;
      const u2 = (P[o + 2]! - l20 * u0 - l21 * u1) * i22;
      const u3 = (P[o + 3]! - l30 * u0 - l31 * u1 - l32 * u2) * i33;
      const x3 = u3 * i33;
      const x2 = (u2 - l32 * x3) * i22;
      const x1 = (u1 - l21 * x2 - l31 * x3) * i11;
      const x0 = (u0 - l10 * x1 - l20 * x2 - l30 * x3) * i00;
      const k = row * 4;
      K[k] = x0;
      K[k + 1] = x1;
      K[k + 2] = x2;
      K[k + 3] = x3;
    }
    y[0] = measurement[0]! - mean[0]!;
    y[1] = measurement[1]! - mean[1]!;
    y[2] = measurement[2]! - mean[2]!;
    y[3] = measurement[3]! - mean[3]!;
    for (let row = 0; row < 8; row++) {
      const k = row * 4;
      mean[row]! += K[k]! * y[0] + K[k + 1]! * y[1] + K[k + 2]! * y[2] + K[k + 3]! * y[3];
    }
    // P ← P − K·S·Kᵀ = P − K·(H·P); computed on the upper triangle and mirrored (exactly symmetric).
    for (let i = 0; i < 8; i++) {
      const k = i * 4;
      const k0 = K[k]!;
      const k1 = K[k + 1]!;
      const k2 = K[k + 2]!;
      const k3 = K[k + 3]!;
      for (let j = i; j < 8; j++) {
        const v = P[i * 8 + j]! - (k0 * hp[j]! + k1 * hp[8 + j]! + k2 * hp[16 + j]! + k3 * hp[24 + j]!);
        P[i * 8 + j] = v;
        P[j * 8 + i] = v;
      }
    }
  }
}
