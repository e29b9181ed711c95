import { useEffect, useRef, useState } from 'preact/hooks';
import type { CameraView, LineConfig, TracksData, ZoneConfig } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { useLive } from '../live/live-socket';
import { LiveVideo, type VideoMode } from './live-video';
import { Overlay } from './overlay';
import { TrackBuffer, type ShownFrame } from './track-buffer';

/** Whether the element is on screen (players off screen close their connections). */
function useVisible(ref: { current: HTMLElement | null }): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)), { rootMargin: '100px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  return visible;
}

/**
 * A camera's live picture with its tracks drawn over it (and its zones and lines, when given), and a
 * badge saying how the picture arrives: WebRTC, MPEG-1 or snapshots.
 */
export function LivePlayer(props: { camera: CameraView; classes: string[] | undefined; zones?: ZoneConfig[]; lines?: LineConfig[] }) {
  const { t } = useI18n();
  const { camera } = props;
  const box = useRef<HTMLDivElement>(null);
  const media = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<Overlay>();
  const visible = useVisible(box);
  const [mode, setMode] = useState<VideoMode>('off');
  const [boxes, setBoxes] = useState(0);
  const [frames, setFrames] = useState(0);
  // A snapshot exists once the camera decoded a frame; before that there is nothing to show.
  const hasFrame = camera.lastFrameAt !== null;
  const width = camera.width ?? 640;
  const height = camera.height ?? 480;
  const frame = useRef({ width, height });
  frame.current = { width, height };
  const classes = useRef(props.classes);
  classes.current = props.classes;
  // WebRTC: tracks wait for their frame (see TrackBuffer); other ways draw the latest at once.
  const [buffer] = useState(() => new TrackBuffer());
  const synced = useRef(false);

  useEffect(() => {
    const o = new Overlay(canvas.current!, { frame: () => frame.current, label: (c) => classes.current?.[c] ?? String(c) });
    overlay.current = o;
    const ro = new ResizeObserver(() => o.queue());
    ro.observe(canvas.current!);
    return () => {
      ro.disconnect();
      o.close();
    };
  }, []);

  useEffect(() => {
    overlay.current?.setShapes(props.zones ?? [], props.lines ?? []);
  }, [props.zones, props.lines]);

  useEffect(() => {
    if (!visible || !hasFrame) return;
    const onMode = (m: VideoMode): void => {
      synced.current = m === 'webrtc';
      if (!synced.current) buffer.clear();
      setMode(m);
    };
    const onShown = (f: ShownFrame): void => {
      const d = buffer.take(f);
      if (d) overlay.current?.showFrame(d);
    };
    const v = new LiveVideo(camera.id, media.current!, onMode, onShown);
    v.start();
    // Frames shown, once a second (data-frames: how tests and curious people see it is moving).
    const tm = setInterval(() => setFrames(v.frames), 1000);
    return () => {
      clearInterval(tm);
      v.close();
      synced.current = false;
      buffer.clear();
    };
  }, [camera.id, visible, hasFrame]);

  useLive<TracksData>(
    ['tracks'],
    [camera.id],
    (m) => {
      if (!synced.current) overlay.current?.setTracks(m.data);
      else {
        // The frame on screen was waiting for this message: drawn now.
        const now = buffer.push(m.data);
        if (now) overlay.current?.showFrame(now);
      }
      setBoxes(m.data.tracks.length);
    },
    visible,
  );

  const modeText: Record<VideoMode, string> = { off: t('video.off'), connecting: t('video.connecting'), webrtc: 'WebRTC', mpeg1: 'MPEG-1', snapshot: t('video.snapshots') };
  return (
    <div class="player" ref={box} style={{ aspectRatio: `${width} / ${height}` }} data-mode={mode} data-boxes={boxes} data-frames={frames}>
      <div class="player-media" ref={media} />
      <canvas class="player-overlay" ref={canvas} />
      <span class={`mode-badge mode-${mode}`} data-testid="video-mode" title={t('video.mode')}>
        {modeText[mode]}
      </span>
      {!hasFrame && <span class="player-wait">{t('video.waiting')}</span>}
    </div>
  );
}
