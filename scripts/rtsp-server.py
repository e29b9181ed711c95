#!/usr/bin/python3
"""A small RTSP server for tests: serves one H.264 MP4 clip on 127.0.0.1, like an IP camera.

    /usr/bin/python3 scripts/rtsp-server.py --port 8554 --clip clip.mp4 [--path /cam1] [--die-with-parent]

Run it with Debian's python3 (python3-gi and gir1.2-gst-rtsp-server-1.0 are Debian packages; a pyenv
python cannot import them). The clip must be H.264 in MP4 (`ffmpeg -i in.mp4 -c:v libx264 -preset
ultrafast -g 25 out.mp4`); it is played in real time from its start for the clients of one session, so
make it longer than the stream has to last (appliance/test/rtsp-server.ts loops it into a long clip).
Serves RTSP over TCP (interleaved) and UDP. Prints `ready rtsp://127.0.0.1:PORT/PATH` once listening,
and exits on SIGTERM/SIGINT (or is simply killed: it holds nothing that needs cleaning up).
"""
import argparse
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def die_with_parent() -> None:
    """Asks Linux for SIGKILL when the parent dies, so a test runner that is killed leaves no server behind."""
    import ctypes

    parent = os.getppid()
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--clip", required=True, help="H.264 MP4 file")
    ap.add_argument("--path", default="/cam1", help="mount point (default /cam1)")
    ap.add_argument("--die-with-parent", action="store_true", help="exit when the process that started it dies (Linux)")
    args = ap.parse_args()
    if args.die_with_parent:
        die_with_parent()

    clip = os.path.abspath(args.clip)
    if not os.path.isfile(clip):
        print(f"error: no such clip: {clip}", file=sys.stderr, flush=True)
        return 2
    path = args.path if args.path.startswith("/") else "/" + args.path

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    location = clip.replace("\\", "\\\\").replace('"', '\\"')
    factory.set_launch(f'( filesrc location="{location}" ! qtdemux ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1 )')
    factory.set_shared(True)
    # RTP/RTCP over UDP from loopback addresses only (the default would bind 0.0.0.0).
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range("127.0.0.1", "127.0.0.1", 40000, 49999, 0)
    factory.set_address_pool(pool)
    server.get_mount_points().add_factory(path, factory)

    if server.attach(None) == 0:
        print(f"error: cannot listen on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
        return 1

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"ready rtsp://127.0.0.1:{server.get_bound_port()}{path}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
