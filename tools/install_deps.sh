#!/bin/sh
# Installs the Debian 12 packages raftkv needs, skipping those already installed.
# Everything comes from Debian's archive; the Bazel build itself downloads nothing.
set -eu

PACKAGES="
bazel-bootstrap
g++
libgrpc++-dev
protobuf-compiler
protobuf-compiler-grpc
libprotobuf-dev
libleveldb-dev
libgoogle-perftools-dev
libabsl-dev
libgtest-dev
libgmock-dev
libbenchmark-dev
libspdlog-dev
libfmt-dev
nlohmann-json3-dev
libcpp-httplib-dev
libssl-dev
etcd-server
etcd-client
clang-format
iptables
util-linux
"

missing=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error: missing packages:$missing (run as root or install sudo)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086  # word splitting of the package list is intended
$SUDO apt-get install -y -q --no-install-recommends $missing
