#!/usr/bin/env bash
# Installs or upgrades Vantage as a system service on Debian 12, Ubuntu 22.04/24.04 or a Jetson with
# JetPack 6 (Ubuntu 22.04 for arm64):
#   /opt/vantage              the built application (dist/, models/, web-ui/, node_modules/)
#   /etc/vantage/config.yaml  its configuration (written once, kept on upgrades)
#   /var/lib/vantage          its SQLite database (systemd StateDirectory) and backups/
# Run from a checkout as root: sudo scripts/install.sh. Safe to run again: an upgrade first copies the
# database to /var/lib/vantage/backups/, then replaces the application, migrates (the daemon copies
# the database again before any schema change) and restarts the service.
#
#   ONNXRUNTIME_NODE_INSTALL=cuda12 sudo -E scripts/install.sh   GPU box (x86_64): CUDA/TensorRT providers
#   VANTAGE_INSTALL_NODE=1 sudo -E scripts/install.sh            also install Node.js 20 from NodeSource
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/opt/vantage}
ETC=${ETC:-/etc/vantage}
STATE=${STATE:-/var/lib/vantage}
KEEP_BACKUPS=${KEEP_BACKUPS:-5}
say() { printf '\033[1m%s\033[0m\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo $0)" >&2; exit 1; }
. /etc/os-release
JETSON=no
if [ -f /etc/nv_tegra_release ] || dpkg -s nvidia-l4t-core >/dev/null 2>&1; then JETSON=yes; fi
say "installing on $PRETTY_NAME ($(uname -m))$([ "$JETSON" = yes ] && echo ', Jetson')"
case "$ID:${VERSION_ID:-}" in
  debian:12 | ubuntu:22.04 | ubuntu:24.04) ;;
  *) warn "$PRETTY_NAME is not one of Debian 12, Ubuntu 22.04/24.04, JetPack 6 (Ubuntu 22.04); continuing" ;;
esac

# --- system packages (only what is missing) ---------------------------------------------------------
need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v make >/dev/null || need+=(make)
command -v curl >/dev/null || need+=(curl ca-certificates)
if [ ${#need[@]} -gt 0 ]; then
  say "apt-get install ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
if [ "$JETSON" = yes ] && ! ffmpeg -hide_banner -decoders 2>/dev/null | grep -q nvv4l2dec; then
  warn "this ffmpeg has no NVIDIA V4L2 decoders (h264_nvv4l2dec): cameras with hwaccel: jetson would fail;"
  warn "install NVIDIA's accelerated ffmpeg for JetPack (Jetson Linux Developer Guide, 'Accelerated Decode with ffmpeg') or keep hwaccel: none"
fi

# --- Node.js 20+ (Ubuntu 22.04 ships 12, 24.04 ships 18) ----------------------------------------------
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  if [ "${VANTAGE_INSTALL_NODE:-0}" = 1 ]; then
    say "installing Node.js 20 from NodeSource"
    curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs
  else
    echo "Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))." >&2
    echo "Install it (e.g. https://deb.nodesource.com/setup_20.x), or run again with VANTAGE_INSTALL_NODE=1." >&2
    exit 1
  fi
fi

# --- build in this checkout ----------------------------------------------------------------------------
make build
id vantage >/dev/null 2>&1 || useradd --system --home-dir "$STATE" --shell /usr/sbin/nologin vantage
# NVDEC / VA-API device access on GPU boxes and Jetsons.
for g in video render; do getent group "$g" >/dev/null && usermod -a -G "$g" vantage; done
install -d -o vantage -g vantage -m 0750 "$STATE" "$STATE/backups"

# --- upgrade: keep a copy of the database before anything changes --------------------------------------
DB=""
if [ -f "$ETC/config.yaml" ]; then
  DB=$(node dist/appliance/src/main.js config print --config "$ETC/config.yaml" 2>/dev/null | sed -n 's/^  path: //p' | head -1 || true)
fi
if [ -n "$DB" ] && [ -f "$DB" ]; then
  copy="$STATE/backups/vantage-$(date -u +%Y%m%dT%H%M%SZ).db"
  say "backing up $DB to $copy"
  node dist/appliance/src/main.js backup "$copy" --config "$ETC/config.yaml"
  chown vantage:vantage "$copy"
  ls -1t "$STATE"/backups/vantage-*.db 2>/dev/null | tail -n +$((KEEP_BACKUPS + 1)) | xargs -r rm -f
fi

# --- the application --------------------------------------------------------------------------------
was_active=no
systemctl is-active --quiet vantage 2>/dev/null && was_active=yes
mkdir -p "$PREFIX/appliance" "$ETC"
rm -rf "$PREFIX/dist" "$PREFIX/models" "$PREFIX/web-ui" "$PREFIX/appliance/media"
cp -a dist models web-ui config systemd scripts package.json package-lock.json README.md .npmrc "$PREFIX/"
cp -a appliance/media "$PREFIX/appliance/"
say "npm ci in $PREFIX (onnxruntime-node providers: ${ONNXRUNTIME_NODE_INSTALL:-skip})"
(cd "$PREFIX" && ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL:-skip} npm ci --omit=dev --no-audit --no-fund)

if [ ! -f "$ETC/config.yaml" ]; then
  sed -e "s#path: ./data/vantage.db#path: $STATE/vantage.db#" \
      -e "s#model: models/#model: $PREFIX/models/#" \
      -e "s#source: appliance/media/#source: $PREFIX/appliance/media/#" config/default.yaml > "$ETC/config.yaml"
  chown root:vantage "$ETC/config.yaml"; chmod 0640 "$ETC/config.yaml"
fi
node "$PREFIX/dist/appliance/src/main.js" config check "$ETC/config.yaml"

# A GPU provider in the config needs its libraries (x86_64 only from npm; see README, Running in production).
provider=$(node "$PREFIX/dist/appliance/src/main.js" config print --config "$ETC/config.yaml" | sed -n 's/^  provider: //p' | head -1)
if [ "$provider" = cuda ] || [ "$provider" = tensorrt ]; then
  if ! ls "$PREFIX"/node_modules/onnxruntime-node/bin/napi-v6/linux/*/libonnxruntime_providers_cuda.so >/dev/null 2>&1; then
    warn "detector.provider is $provider but onnxruntime-node has no GPU providers here: the service will refuse to start."
    warn "x86_64: run again with ONNXRUNTIME_NODE_INSTALL=cuda12; Jetson: see README (onnxruntime built for JetPack)."
  fi
fi

# --- migrate now (as the service user), so a failure shows here and not at start --------------------------
runuser -u vantage -- node "$PREFIX/dist/appliance/src/main.js" migrate --config "$ETC/config.yaml"

install -m 0644 systemd/vantage.service /etc/systemd/system/vantage.service
systemctl daemon-reload
systemctl enable vantage >/dev/null
if [ "$was_active" = yes ]; then systemctl restart vantage; else systemctl start vantage; fi
say "Vantage installed: http://127.0.0.1:8080 (edit $ETC/config.yaml, then systemctl reload vantage for cameras or restart for the rest)"
