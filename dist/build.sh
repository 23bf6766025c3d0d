#!/usr/bin/env bash
# Builds the release archives users copy into their apps, into target/dist/:
#
#   netdiag-VERSION-x86_64-linux-musl.tar.gz   static nameresolver, tcpping (no libc needed)
#   netdiag-VERSION-x86_64-windows.zip         nameresolver.exe, tcpping.exe
#   SHA256SUMS                                 for `sha256sum -c`
#
# each archive with README.md, LICENSE and the report's JSON Schema. Reproducible where
# the toolchain allows: the same commit gives the same archive contents, with a fixed
# mtime (the commit's time) and a sorted file order.
#
#   dist/build.sh            # release builds
#   dist/build.sh --debug    # debug builds (faster; for a quick check of the packaging)
#
# Installs what it needs on Debian (musl-tools, gcc-mingw-w64-x86-64, zip) and the two
# Rust targets, when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
cargo_profile=(--release)
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  cargo_profile=()
fi

need=()
command -v musl-gcc >/dev/null || need+=(musl-tools)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v zip >/dev/null || need+=(zip)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
linux=x86_64-unknown-linux-musl
windows=x86_64-pc-windows-gnu
for target in "$linux" "$windows"; do
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
done

version=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "netdiag-core"))')
# The commit's time, so that two builds of one commit give the same archives.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH=$epoch

# Static: musl links its libc into the binary (crt-static is the target's default).
cargo build "${cargo_profile[@]}" --locked --target "$linux" -p nameresolver -p tcpping
cargo build "${cargo_profile[@]}" --locked --target "$windows" -p nameresolver -p tcpping

dist=target/dist
rm -rf "$dist"
mkdir -p "$dist"
stage() { # stage DIR FILES...: the documents plus the given binaries, with a fixed mtime
  local dir=$1; shift
  mkdir -p "$dir"
  cp README.md LICENSE schema/report.schema.json "$@" "$dir/"
  find "$dir" -exec touch -h -d "@$epoch" {} +
}

linux_name=netdiag-$version-x86_64-linux-musl
stage "$dist/$linux_name" "target/$linux/$profile/nameresolver" "target/$linux/$profile/tcpping"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
  -C "$dist" -cf - "$linux_name" | gzip -n -9 > "$dist/$linux_name.tar.gz"

windows_name=netdiag-$version-x86_64-windows
stage "$dist/$windows_name" "target/$windows/$profile/nameresolver.exe" "target/$windows/$profile/tcpping.exe"
(cd "$dist" && find "$windows_name" -type f | LC_ALL=C sort | TZ=UTC zip -X -q -D "$windows_name.zip" -@)

(cd "$dist" && sha256sum "$linux_name.tar.gz" "$windows_name.zip" > SHA256SUMS)
rm -rf "${dist:?}/$linux_name" "${dist:?}/$windows_name"
ls -l "$dist"
cat "$dist/SHA256SUMS"
