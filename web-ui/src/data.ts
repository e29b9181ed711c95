import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, call } from './api/client';
import type { CameraView, ModelInfo } from './api/types';
import { localizedError } from './i18n/errors';
import { useLive } from './live/live-socket';

export interface Async<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
}

/** An error for showing to a person, in the page's language (i18n/errors.ts). */
export function errorText(e: unknown): string {
  return localizedError(e);
}

/** Runs `fn` when deps change (and every `everyMs` if given); keeps the last data while reloading. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[], everyMs?: number): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      setState((s) => ({ ...s, loading: true }));
      fnRef.current().then(
        (data) => live && setState({ data, error: undefined, loading: false }),
        (e: unknown) => live && setState((s) => ({ data: s.data, error: errorText(e), loading: false })),
      ).finally(() => {
        if (live && everyMs) timer = setTimeout(run, everyMs);
      });
    };
    run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/**
 * The cameras, shared by every component that shows them: fetched every 5 s while any is mounted,
 * and patched at once when the live `camera.status` topic reports a change.
 */
const cameraStore = {
  list: undefined as CameraView[] | undefined,
  error: undefined as string | undefined,
  listeners: new Set<() => void>(),
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  notify() {
    for (const fn of this.listeners) fn();
  },
  async poll() {
    clearTimeout(this.timer);
    try {
      this.list = (await call<{ cameras: CameraView[] }>(api.GET('/api/v1/cameras'))).cameras;
      this.error = undefined;
    } catch (e) {
      this.error = errorText(e);
    }
    this.notify();
    if (this.listeners.size) this.timer = setTimeout(() => void this.poll(), 5000);
  },
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    if (this.listeners.size === 1) void this.poll();
    return () => {
      this.listeners.delete(fn);
      if (!this.listeners.size) clearTimeout(this.timer);
    };
  },
  patch(id: string, p: Partial<CameraView>) {
    if (!this.list) return;
    this.list = this.list.map((c) => (c.id === id ? { ...c, ...p } : c));
    this.notify();
  },
};

export function useCameras(): Async<CameraView[]> {
  const [, render] = useState(0);
  useEffect(() => cameraStore.subscribe(() => render((n) => n + 1)), []);
  useLive<Pick<CameraView, 'id' | 'status' | 'fps' | 'lastError' | 'lastErrorCode' | 'lastErrorParams'>>(['camera.status'], undefined, (m) =>
    cameraStore.patch(m.data.id, { status: m.data.status, fps: m.data.fps, lastError: m.data.lastError, lastErrorCode: m.data.lastErrorCode, lastErrorParams: m.data.lastErrorParams }),
  );
  return { data: cameraStore.list, error: cameraStore.error, loading: cameraStore.list === undefined, reload: () => void cameraStore.poll() };
}

let model: Promise<ModelInfo> | undefined;

/** The detection model (class names for track labels and filters); fetched once. */
export function useModel(): ModelInfo | undefined {
  const [m, setM] = useState<ModelInfo>();
  useEffect(() => {
    model ??= call<{ models: ModelInfo[] }>(api.GET('/api/v1/models')).then((r) => r.models[0]!);
    model.then(setM, () => {
      model = undefined;
    });
  }, []);
  return m;
}

/** Unix seconds now. */
export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A page's writes: `act(fn)` clears the last error, runs `fn`, keeps its error text if it fails, and
 * then calls `after` either way (typically the list's reload).
 */
export function useAction(after: () => void): { error: string | undefined; act(fn: () => Promise<unknown>): Promise<void> } {
  const [error, setError] = useState<string>();
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    }
    after();
  };
  return { error, act };
}
