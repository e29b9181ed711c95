import type { CameraConfig } from '../config/schema.js';
import type { AlertRule, RuleBody } from './rules.js';

type Cameras = ReadonlyArray<Pick<CameraConfig, 'id' | 'name' | 'zones' | 'lines'>>;

/** The zone or line a rule watches, as `{ kind, id }` (none for camera_offline). */
function shapeOf(r: RuleBody): { kind: 'zone' | 'line'; id: string } | undefined {
  if ('zone' in r && r.zone) return { kind: 'zone', id: r.zone };
  if ('line' in r) return { kind: 'line', id: r.line };
  return undefined;
}

const shapes = (c: Cameras[number], kind: 'zone' | 'line') => (kind === 'zone' ? c.zones : c.lines);

/** A zone's or line's display name on a camera (its id when unnamed or unknown). */
export function shapeName(cameras: Cameras, camera: string, kind: 'zone' | 'line', id: string): string {
  const c = cameras.find((x) => x.id === camera);
  return (c && shapes(c, kind).find((s) => s.id === id)?.name) || id;
}

/**
 * Why a rule could never fire, as the field at fault and a message: a camera that does not exist, a
 * zone or line that no camera in scope has (ids, not display names), a class the model does not know.
 */
export function ruleTargetProblem(b: RuleBody, cameras: Cameras, classNames: readonly string[]): { field: string; message: string } | undefined {
  const scope = b.camera ? cameras.filter((c) => c.id === b.camera) : cameras;
  if (b.camera && !scope.length) return { field: 'camera', message: `no camera "${b.camera}"` };
  const shape = shapeOf(b);
  if (shape && !scope.some((c) => shapes(c, shape.kind).some((s) => s.id === shape.id))) {
    const byName = scope.flatMap((c) => shapes(c, shape.kind)).find((s) => s.name === shape.id);
    const where = b.camera ? `camera "${b.camera}" has` : 'no camera has a';
    const hint = byName ? ` (that is the name of ${shape.kind} "${byName.id}": rules name ${shape.kind}s by id)` : '';
    return { field: shape.kind, message: `${where} no ${shape.kind} "${shape.id}"${hint}` };
  }
  if ('class' in b && b.class !== undefined && classNames.length && !classNames.includes(b.class)) {
    return { field: 'class', message: `the model has no class "${b.class}"` };
  }
  return undefined;
}

/** What the rule list says about a rule's target now: its name, and whether it was removed since. */
export interface RuleTargetView {
  /** The watched zone's or line's display name (null for camera_offline). */
  target_name: string | null;
  /** The camera, zone or line the rule names no longer exists: the rule cannot fire. */
  target_missing: boolean;
}

export function ruleTargetView(r: AlertRule, cameras: Cameras): RuleTargetView {
  const shape = shapeOf(r);
  const missing = ruleTargetProblem(r, cameras, []) !== undefined;
  if (!shape) return { target_name: null, target_missing: missing };
  const owner = cameras.find((c) => (!r.camera || c.id === r.camera) && shapes(c, shape.kind).some((s) => s.id === shape.id));
  return { target_name: owner ? shapeName(cameras, owner.id, shape.kind, shape.id) : shape.id, target_missing: missing };
}
