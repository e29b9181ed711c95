// What a person reads on a page, and the English words left in it (issue 19, fault 8): shared by the
// tests that visit the dashboard in Russian (i18n-browser.test.ts, diagnostics-browser.test.ts).

/** Words that read the same in Russian: products, protocols, units, formats, keys on the keyboard. */
export const ALLOWED = new Set([
  'Vantage', 'MQTT', 'RTSP', 'Telegram', 'WebRTC', 'MPEG', 'JSMpeg', 'ONNX', 'CSV', 'PDF', 'JSON', 'API', 'HTTP', 'HTTPS', 'URL',
  'fps', 'IoU', 'CPU', 'GPU', 'CUDA', 'TensorRT', 'YOLOX', 'PicoDet', 'COCO', 'MOT', 'SQLite', 'WAL', 'ffmpeg', 'FFmpeg', 'ID', 'id',
  'English', 'Enter', 'Esc', 'Delete', 'Backspace', 'IANA', 'BotFather', 'mp4', 'mkv', 'avi', 'ts', 'jpg', 'png', 'csv', 'pdf', 'metrics', 'JS', 'ABC', 'XXXX-XXXX-XXXX',
]);

/** Text a person reads on the page: the rendered text, tooltips, placeholders, labels, and canvas drawings. */
export const READ_PAGE = `(() => {
  const out = [document.body.innerText, document.title];
  for (const el of document.querySelectorAll('[title],[placeholder],[aria-label],[alt]')) {
    if (el.closest('[hidden]')) continue;
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) { const v = el.getAttribute(a); if (v) out.push(v); }
  }
  for (const o of document.querySelectorAll('select option')) out.push(o.textContent || '');
  out.push(...(window.__drawnText || []));
  return out.join('\\n');
})()`;

/** Records every string drawn on a 2-D canvas (uPlot's axes, the live overlay's labels). */
export const RECORD_CANVAS_TEXT = `(() => {
  window.__drawnText = [];
  const P = CanvasRenderingContext2D.prototype;
  for (const m of ['fillText', 'strokeText']) {
    const orig = P[m];
    P[m] = function (text, ...rest) { if (window.__drawnText.length < 5000) window.__drawnText.push(String(text)); return orig.call(this, text, ...rest); };
  }
})();`;

/** English words left in a text (words of two or more Latin letters not on the allow-list). */
export function englishWords(text: string, userData: string[]): string[] {
  // Commands in `backticks` are typed as written; ids where the API has no name (an analysis session's camera) are not words.
  let s = text.replace(/`[^`\n]*`/g, ' ').replace(/\bsession-[0-9a-f-]{36}\b/g, ' ').replace(/https?:\/\/\S+/g, ' ').replace(/\S+\.(mp4|mkv|avi|yaml|json|db|jpg|png|csv|pdf)\b/g, ' ').replace(/\S*\/\S*/g, ' ');
  for (const d of userData) s = s.split(d).join(' ');
  const out = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z](?:[A-Za-z0-9']|-(?=[A-Za-z0-9]))*/g)) {
    if (!/[A-Za-z].*[A-Za-z]/.test(m[0]) || ALLOWED.has(m[0])) continue;
    out.add(`${m[0]} «${s.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' ')}»`);
  }
  return [...out];
}
