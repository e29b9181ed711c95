import { useEffect, useState } from 'preact/hooks';

/** `#/cameras/sample?tab=zones` → { parts: ['cameras', 'sample'], query }. */
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const [path = '', qs = ''] = h.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(qs) };
}

/** The current hash route; hash routing needs no fallback route on the server. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = () => setRoute(parse(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** `link('cameras', id)` → `#/cameras/<id>`. */
export function link(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}
