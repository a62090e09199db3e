#!/usr/bin/env bash
# Builds the local Docker image cod/busybox:local from Debian's busybox-static.
#
# No registry is reachable, so the image is imported from a tiny root file system:
#   /bin/busybox, symlinks for the applets jobs use, an empty /tmp, ENV PATH=/bin.
# Idempotent: does nothing when the image already exists. Quiet: prints only the image ID.
#
# Usage: scripts/build-busybox-image.sh [image-tag]   (default cod/busybox:local)
# Needs: a running Docker engine (DOCKER_HOST or /var/run/docker.sock); root for apt-get
# when /bin/busybox is missing.
set -euo pipefail

IMAGE="${1:-cod/busybox:local}"
APPLETS=(sh awk cat ls sort head tail wc tr cut sed grep printf sha256sum sleep echo
         mkdir touch env dd seq expr test date id)

if ! docker info >/dev/null 2>&1; then
  echo "build-busybox-image: Docker engine not reachable; start it (dockerd > /tmp/dockerd.log 2>&1 &)" >&2
  exit 1
fi

if id="$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null)"; then
  echo "$id"
  exit 0
fi

if [[ ! -x /bin/busybox ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq busybox-static >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    apt-get install -y -qq busybox-static >/dev/null
  }
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/inputs" "$rootfs/outputs"
chmod 1777 "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in "${APPLETS[@]}"; do
  ln -s busybox "$rootfs/bin/$applet"
done

# Fixed owner and mtime so the same busybox gives the same layer.
tar --numeric-owner --owner=0 --group=0 --mtime='@0' --sort=name -C "$rootfs" -c . \
  | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null

docker image inspect --format '{{.Id}}' "$IMAGE"
