// Browser-side helpers for dashboard.test.ts, injected into every page before its scripts run
// (plain JS: the daemon's tsconfig has no DOM types). They only observe; the app does not know them.

// Every RTCPeerConnection the page makes, so the test can read getStats() of the live player.
window.__peers = [];
if (window.RTCPeerConnection) {
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
    }
  };
}

/** A 2-D context holding a loaded <img> at its natural size, or null while it is not loaded. */
function drawnImage(selector) {
  const img = document.querySelector(selector);
  if (!img || !img.complete || !img.naturalWidth) return null;
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return ctx;
}

window.__probe = {
  /** Pixel statistics of an <img>: mean brightness spread and the share of strongly coloured pixels. */
  imageStats(selector) {
    const ctx = drawnImage(selector);
    if (!ctx) return null;
    const c = ctx.canvas;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0, sum = 0, sum2 = 0, saturated = 0;
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      const y = 0.299 * r + 0.587 * g + 0.114 * b;
      sum += y;
      sum2 += y * y;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 100) saturated++;
      n++;
    }
    const mean = sum / n;
    return { width: c.width, height: c.height, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), saturated: saturated / n };
  },
  /** [r, g, b] of an <img> at natural pixel (x, y). */
  pixelAt(selector, x, y) {
    const ctx = drawnImage(selector);
    if (!ctx) return null;
    return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3));
  },
  /** Share of pixels of a canvas that are drawn (alpha > 0): the track overlay. */
  inked(selector) {
    const c = document.querySelector(selector);
    if (!c || !c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
    return ink / (d.length / 4);
  },
  /** The live <video>'s playback clock and frames decoded by its peer connection. */
  async webrtc() {
    const video = document.querySelector('video.live-media');
    let framesDecoded = 0;
    for (const pc of window.__peers) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded || 0;
      });
    }
    return { currentTime: video ? video.currentTime : -1, framesDecoded };
  },
  /** Whether the page scrolls sideways (it should fit its viewport). */
  overflowX() {
    return document.documentElement.scrollWidth - window.innerWidth;
  },
  /**
   * Text that cannot be read: visible text elements whose boxes overlap another's (neither inside the
   * other) by more than 3 px both ways, and labels cut off (scrollWidth > clientWidth, no ellipsis on
   * purpose). Each as a short description.
   */
  textProblems() {
    const out = [];
    const visibleBox = (el) => {
      const st = getComputedStyle(el);
      if (st.visibility === 'hidden' || st.display === 'none' || Number(st.opacity) === 0) return null;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 ? r : null;
    };
    const name = (el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} "${(el.textContent || '').trim().slice(0, 30)}"`;
    // Elements that hold text themselves (a direct, non-blank text node), outside charts and media.
    const texts = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg, canvas, video, .uplot, option, select, script, style, datalist')) continue;
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const r = visibleBox(el);
      if (r) texts.push({ el, r });
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i], b = texts[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 3 && h > 3) out.push(`overlap: ${name(a.el)} / ${name(b.el)}`);
      }
    }
    for (const el of document.querySelectorAll('label, th, dt, dd, button, .badge, .kpi-label, .kpi-value, .nav a, h1, h2, h3, .tile-name, legend')) {
      if (!visibleBox(el) || getComputedStyle(el).textOverflow === 'ellipsis') continue;
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') out.push(`clipped: ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
    }
    return out;
  },
};
