// The parts of @cycjimmy/jsmpeg-player (JSMpeg) the MPEG-1 player uses; the package ships no types.
declare module '@cycjimmy/jsmpeg-player' {
  export interface PlayerOptions {
    canvas?: HTMLCanvasElement;
    audio?: boolean;
    video?: boolean;
    /** Its decoder is WebAssembly compiled at run time, which the dashboard's CSP does not allow. */
    disableWebAssembly?: boolean;
    disableGl?: boolean;
    pauseWhenHidden?: boolean;
    /** Seconds between reconnects; 0 = none. */
    reconnectInterval?: number;
    videoBufferSize?: number;
    onVideoDecode?: (decoder: unknown, time: number) => void;
    onSourceEstablished?: (source: unknown) => void;
  }
  export class Player {
    constructor(url: string, options?: PlayerOptions);
    destroy(): void;
  }
  const JSMpeg: { Player: typeof Player };
  export default JSMpeg;
}
