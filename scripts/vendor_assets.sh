#!/usr/bin/env bash
# Refresh the vendored front-end files under yingshang/static/vendor from the npm registry's
# published dist files. Run by a maintainer when upgrading; the files are committed, so the
# application never needs the internet (county intranets have none).
set -euo pipefail
cd "$(dirname "$0")/.."
BOOTSTRAP_VERSION="${BOOTSTRAP_VERSION:-5.3.9}"
ECHARTS_VERSION="${ECHARTS_VERSION:-6.1.0}"
ICONS_VERSION="${ICONS_VERSION:-1.13.2}"
dest=yingshang/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  npm pack --silent "bootstrap@${BOOTSTRAP_VERSION}" "echarts@${ECHARTS_VERSION}" "bootstrap-icons@${ICONS_VERSION}" >/dev/null
  for tgz in *.tgz; do mkdir -p "${tgz%.tgz}"; tar -xzf "$tgz" -C "${tgz%.tgz}"; done
)
mkdir -p "$dest/bootstrap" "$dest/echarts" "$dest/bootstrap-icons/fonts"
cp "$work"/bootstrap-*/package/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp "$work"/bootstrap-*/package/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp "$work"/echarts-*/package/dist/echarts.min.js "$dest/echarts/"
cp "$work"/bootstrap-icons-*/package/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp "$work"/bootstrap-icons-*/package/font/fonts/bootstrap-icons.woff2 "$dest/bootstrap-icons/fonts/"
cp "$work"/bootstrap-icons-*/package/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
cat > "$dest/VERSIONS.txt" <<TXT
bootstrap ${BOOTSTRAP_VERSION} (MIT)
echarts ${ECHARTS_VERSION} (Apache-2.0)
bootstrap-icons ${ICONS_VERSION} (MIT)
htmx: shipped by the django-htmx Python package (static django_htmx/htmx-2.min.js)
TXT
echo "vendored into $dest:"; cat "$dest/VERSIONS.txt"
