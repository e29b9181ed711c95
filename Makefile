# Vantage — two commands on a fresh Debian machine:
#   make run    install what is missing, build, start the appliance on config/default.yaml
#   make test   the same set-up, then every test
SHELL := /bin/bash
.DEFAULT_GOAL := help
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_PACKAGES := ffmpeg fonts-dejavu-core
APT_TEST_PACKAGES := gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav chromium poppler-utils
export ONNXRUNTIME_NODE_INSTALL ?= skip
CONFIG ?= config/default.yaml
NPM_STAMP := node_modules/.package-lock.json
SOURCES := $(shell find appliance/src appliance/bench -name '*.ts' ! -name '*.test.ts' 2>/dev/null) tsconfig.json
API_TYPES := web-ui/src/api/schema.gen.ts
WEB_SOURCES := $(filter-out $(API_TYPES),$(shell find web-ui -path web-ui/dist -prune -o -type f -print 2>/dev/null))

.PHONY: help setup system-deps test-deps build run test test-faults soak typecheck bench bench-mot bench-det clean

help:
	@echo "make run | make test | make test-faults | make soak | make bench | make bench-mot | make bench-det | make build | make typecheck | make clean"

## Debian packages: installed only when a command they provide is missing.
system-deps:
	@if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null || ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "installing $(APT_PACKAGES) from Debian"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

## Debian packages the tests need (a GStreamer RTSP server run by Debian's python3, Chromium for the dashboard): installed only when missing.
test-deps:
	@if ! /usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer' >/dev/null 2>&1 \
	  || ! dpkg -s $(APT_TEST_PACKAGES) >/dev/null 2>&1; then \
	  echo "installing $(APT_TEST_PACKAGES) from Debian"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_TEST_PACKAGES); \
	fi

## npm packages exactly as locked; re-run only when the lock file changes.
$(NPM_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

dist/.built: $(NPM_STAMP) $(SOURCES)
	npx tsc -p tsconfig.json
	node scripts/postbuild.mjs
	@touch $@

## The dashboard's API types, generated from the compiled daemon's OpenAPI document (no daemon running).
$(API_TYPES): dist/.built scripts/openapi-types.mjs
	node scripts/openapi-types.mjs
	@touch $@

## The dashboard (web-ui/): type-checked, then bundled by Vite into web-ui/dist, which the daemon serves.
web-ui/dist/index.html: $(NPM_STAMP) $(API_TYPES) $(WEB_SOURCES)
	npx tsc -p web-ui/tsconfig.json
	npx vite build --config web-ui/vite.config.ts

build: dist/.built web-ui/dist/index.html

setup: system-deps build

run: setup
	node dist/appliance/src/main.js run --config $(CONFIG)

typecheck: $(NPM_STAMP) $(API_TYPES)
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p tsconfig.test.json --noEmit
	npx tsc -p web-ui/tsconfig.json

test: setup test-deps
	npx tsc -p tsconfig.test.json --noEmit
	@rm -f .vantage-test/faults-report.jsonl
	npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest-report.json; \
	  status=$$?; node scripts/test-summary.mjs .vitest-report.json || status=1; node scripts/faults-summary.mjs --optional; exit $$status

## The fault-injection suite in its long form (20 kills, a 5-minute upstream outage, 500 WebSocket
## clients, 5,000 fuzzed requests …); `make test` runs its short form. Ends with one summary line.
test-faults: setup test-deps
	@mkdir -p .vantage-test && rm -f .vantage-test/faults-report.jsonl
	VANTAGE_FAULTS=full npx vitest run appliance/test/faults --testTimeout=900000; \
	  status=$$?; node scripts/faults-summary.mjs || status=1; exit $$status

## Hours of 4 looped cameras (SOAK_MINUTES, default 120; SOAK_INTERVAL_SECONDS, default 60): a CSV and
## a PNG of RSS, open files, database size and outbox depth; fails on growth or an fps drop. Not in CI.
soak: setup
	node scripts/soak.mjs

## Performance goals live here, never in timed tests: one JSON object as the last line.
bench: setup
	node scripts/bench.mjs

## Tracking quality on the bundled MOT15 clips: a table, then one JSON line.
bench-mot: setup
	node scripts/bench-mot.mjs

## Detection quality and cost per model × input × clip (each at full, 1/2 and 1/3 frame rate): a table, then one JSON line.
bench-det: setup
	node scripts/bench-det.mjs

clean:
	rm -rf dist web-ui/dist $(API_TYPES)
