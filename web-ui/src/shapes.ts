import { api, call } from './api/client';
import type { LineConfig, ZoneConfig } from './api/types';
import { useAsync, useCameras } from './data';

/** A zone or line as the dashboard offers it: its id (what the API takes) and the name people see. */
export interface ShapeRef {
  id: string;
  name: string;
}

/** Camera id → its zones and lines (id and display name). */
export type Shapes = Record<string, { zones: ShapeRef[]; lines: ShapeRef[] }>;

const refs = (xs: Array<{ id: string; name?: string | undefined }>): ShapeRef[] => xs.map((x) => ({ id: x.id, name: x.name || x.id }));

/** The zones and lines of every camera, reloaded when the camera list changes. */
export function useShapes(): Shapes | undefined {
  const cams = useCameras();
  const ids = (cams.data ?? []).map((c) => c.id).join(',');
  return useAsync(async () => {
    const out: Shapes = {};
    for (const id of ids ? ids.split(',') : []) {
      const p = { params: { path: { id } } };
      const [z, l] = await Promise.all([call<{ zones: ZoneConfig[] }>(api.GET('/api/v1/cameras/{id}/zones', p)), call<{ lines: LineConfig[] }>(api.GET('/api/v1/cameras/{id}/lines', p))]);
      out[id] = { zones: refs(z.zones), lines: refs(l.lines) };
    }
    return out;
  }, [ids]).data;
}

/** The display name of a camera's zone or line (its id until the shapes have loaded or when unknown). */
export function shapeName(shapes: Shapes | undefined, camera: string | undefined, kind: 'zone' | 'line', id: string): string {
  const list = (s: Shapes[string]) => (kind === 'zone' ? s.zones : s.lines);
  const own = camera ? shapes?.[camera] : undefined;
  const hit = own ? list(own).find((x) => x.id === id) : Object.values(shapes ?? {}).flatMap(list).find((x) => x.id === id);
  return hit?.name ?? id;
}

/** The zones (or lines) a choice may offer: the camera's, or every camera's (unique ids) when none is chosen. */
export function shapeChoices(shapes: Shapes | undefined, camera: string, kind: 'zone' | 'line'): ShapeRef[] {
  const all = camera ? [shapes?.[camera]] : Object.values(shapes ?? {});
  const seen = new Map<string, ShapeRef>();
  for (const s of all) for (const x of (s ? (kind === 'zone' ? s.zones : s.lines) : [])) if (!seen.has(x.id)) seen.set(x.id, x);
  return [...seen.values()];
}
