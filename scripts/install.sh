#!/usr/bin/env bash
# Installs Vantage as a system service on Debian/Ubuntu (or a Jetson with JetPack):
#   /opt/vantage            the built application (dist/, models/, web-ui/, node_modules/)
#   /etc/vantage/config.yaml its configuration (kept if it already exists)
#   /var/lib/vantage        its SQLite database (systemd StateDirectory)
# Run from a checkout as root: sudo scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/opt/vantage}
ETC=${ETC:-/etc/vantage}

[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo $0)" >&2; exit 1; }
command -v node >/dev/null || { echo "Node.js 20+ is required (apt-get install nodejs)" >&2; exit 1; }

make build
id vantage >/dev/null 2>&1 || useradd --system --home-dir /var/lib/vantage --shell /usr/sbin/nologin vantage

mkdir -p "$PREFIX/appliance" "$ETC"
rm -rf "$PREFIX/dist" "$PREFIX/models" "$PREFIX/web-ui" "$PREFIX/appliance/media"
cp -a dist models web-ui config systemd scripts package.json package-lock.json README.md .npmrc "$PREFIX/"
cp -a appliance/media "$PREFIX/appliance/"
(cd "$PREFIX" && ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL:-skip} npm ci --omit=dev --no-audit --no-fund)

if [ ! -f "$ETC/config.yaml" ]; then
  sed -e 's#path: ./data/vantage.db#path: /var/lib/vantage/vantage.db#' \
      -e "s#model: models/#model: $PREFIX/models/#" \
      -e "s#source: appliance/media/#source: $PREFIX/appliance/media/#" config/default.yaml > "$ETC/config.yaml"
  chown root:vantage "$ETC/config.yaml"; chmod 0640 "$ETC/config.yaml"
fi
node "$PREFIX/dist/appliance/src/main.js" config check "$ETC/config.yaml"

install -m 0644 systemd/vantage.service /etc/systemd/system/vantage.service
systemctl daemon-reload
systemctl enable --now vantage
echo "Vantage installed: http://127.0.0.1:8080 (edit $ETC/config.yaml, then systemctl restart vantage)"
