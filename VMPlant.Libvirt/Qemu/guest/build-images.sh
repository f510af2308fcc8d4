#!/bin/sh
# Builds VMPlant's base images for real plants, once: a kernel, a small initrd, and qcow2 roots (busybox; debian
# minbase) whose PID 1 is vmplant-init. Output goes to CACHE/<hash>/ where <hash> covers this directory's scripts
# and the kernel version, and CACHE/current points at it; an existing complete build is reused.
#   build-images.sh [CACHE] [busybox|debian|all]      (default /var/cache/vmplant/images, all)
# The Debian mirror is the one apt already uses for the host's own release (apt-get indextargets), never a name here.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:-/var/cache/vmplant/images}
WHICH=${2:-all}
KVER=$(ls /lib/modules | grep -- '-cloud-amd64$' | sort -V | tail -1)
[ -n "$KVER" ] || { echo "build-images: no cloud kernel in /lib/modules (apt-get install linux-image-cloud-amd64)" >&2; exit 1; }
HASH=$(cat "$HERE/build-images.sh" "$HERE/vmplant-init" | sha256sum | cut -c1-12)-$KVER
OUT=$CACHE/$HASH
mkdir -p "$OUT"
log() { echo "build-images: $*" >&2; }

if [ ! -s "$OUT/vmlinuz" ] || [ ! -s "$OUT/initrd.img" ]; then
  W=$(mktemp -d); mkdir -p $W/bin $W/dev $W/proc $W/sys $W/newroot
  cp /bin/busybox $W/bin/busybox
  for m in virtio_blk virtio_pci; do modprobe -S $KVER --show-depends $m; done \
    | awk '$1=="insmod"{print $2}' | awk '!seen[$0]++' > $W/order
  mkdir -p $W/lib/modules; : > $W/modules.list
  while read -r ko; do cp "$ko" $W/lib/modules/; echo "/lib/modules/$(basename "$ko")" >> $W/modules.list; done < $W/order
  cat > $W/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
while read -r m; do insmod "$m" 2>/dev/null; done < /modules.list
root=/dev/vda; init=/sbin/vmplant-init
for a in $(cat /proc/cmdline); do case "$a" in root=*) root=${a#root=};; init=*) init=${a#init=};; esac; done
i=0; while [ ! -b "$root" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
mount -o rw "$root" /newroot || { echo "VMPLANT-FAILED initrd cannot mount $root"; poweroff -f; }
umount /proc /sys; mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot "$init"
INIT
  chmod +x $W/init
  (cd $W && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT/initrd.img.tmp"
  rm -rf $W
  cp "/boot/vmlinuz-$KVER" "$OUT/vmlinuz.tmp"
  mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"; mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
  log "kernel $KVER and initrd in $OUT"
fi

to_qcow2() { # ROOT SIZE NAME
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 -d "$1" "$OUT/$3.raw" "$2" >&2
  qemu-img convert -f raw -O qcow2 "$OUT/$3.raw" "$OUT/$3.qcow2.tmp"
  rm -f "$OUT/$3.raw"; mv "$OUT/$3.qcow2.tmp" "$OUT/$3.qcow2"
  log "$OUT/$3.qcow2 built"
}

if [ "$WHICH" != debian ] && [ ! -s "$OUT/busybox.qcow2" ]; then
  W=$(mktemp -d); R=$W/root
  mkdir -p $R/bin $R/sbin $R/usr/bin $R/usr/sbin $R/etc/vmplant $R/proc $R/sys $R/dev $R/tmp $R/run $R/root $R/var/lib
  cp /bin/busybox $R/bin/busybox
  for a in $(/bin/busybox --list-full); do [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\n' > $R/etc/passwd; printf 'root:x:0:\n' > $R/etc/group
  echo busybox > $R/etc/hostname
  install -m 755 "$HERE/vmplant-init" $R/sbin/vmplant-init
  to_qcow2 $R 256M busybox; rm -rf $W
fi

if [ "$WHICH" != busybox ] && [ ! -s "$OUT/debian-12.qcow2" ]; then
  MIRROR=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' | awk '$2=="bookworm"{print $1; exit}')
  [ -n "$MIRROR" ] || { echo "build-images: apt has no bookworm source to debootstrap from" >&2; exit 1; }
  W=$(mktemp -d -p /var/tmp); R=$W/root
  log "debootstrap --variant=minbase bookworm from $MIRROR (1-2 min)"
  debootstrap --variant=minbase bookworm $R "$MIRROR" > $W/debootstrap.log 2>&1 || { tail -20 $W/debootstrap.log >&2; exit 1; }
  rm -rf $R/var/cache/apt/archives/*.deb $R/var/cache/apt/*.bin
  echo debian > $R/etc/hostname; mkdir -p $R/etc/vmplant
  install -m 755 "$HERE/vmplant-init" $R/sbin/vmplant-init
  to_qcow2 $R 2G debian-12; rm -rf $W
fi
ln -sfn "$HASH" "$CACHE/current"
echo "$OUT"
