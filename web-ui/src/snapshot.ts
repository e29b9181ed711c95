import { useEffect, useState } from 'preact/hooks';
import { apiFetch, href } from './api/client';

/**
 * Camera snapshots as blob URLs, one request per camera (not per <img>), revoked when no longer
 * shown. Only for cameras that decoded a frame, so there is no 404 to show.
 */
export function useSnapshots(cameras: string[], reloadKey = 0): Record<string, string> {
  const [urls, setUrls] = useState<Record<string, string>>({});
  const key = cameras.join(',');
  useEffect(() => {
    const made: string[] = [];
    let live = true;
    for (const id of key ? key.split(',') : []) {
      void apiFetch(new Request(location.origin + href('/api/v1/cameras/{id}/snapshot.jpg', { path: { id } }))).then(async (res) => {
        if (!res.ok || !live) return;
        const u = URL.createObjectURL(await res.blob());
        made.push(u);
        setUrls((x) => ({ ...x, [id]: u }));
      });
    }
    return () => {
      live = false;
      made.forEach((u) => URL.revokeObjectURL(u));
      setUrls({});
    };
  }, [key, reloadKey]);
  return urls;
}
