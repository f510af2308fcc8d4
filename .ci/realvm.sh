# Makes real VMs possible for the real-VM tests (issue 9): installs QEMU, libvirt and the image tools when missing
# (never libguestfs), starts virtlogd and libvirtd when they are not running (no systemd here), and builds the base
# images once into /var/cache/vmplant/images (build-images.sh names each build by a hash of its scripts and the
# kernel, so a cached build is reused across runs). Exports VMPLANT_IMAGE_DIR. When any step fails the real-VM
# tests skip themselves with the reason; this prints it on one line.
prepare_real_vms() {
  local packages="libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils debootstrap linux-image-cloud-amd64 busybox-static cpio"
  if ! command -v qemu-system-x86_64 >/dev/null || ! command -v qemu-storage-daemon >/dev/null || ! command -v libvirtd >/dev/null \
     || ! command -v debootstrap >/dev/null || [[ ! -x /bin/busybox ]] || ! ls /lib/modules | grep -q -- '-cloud-amd64$'; then
    echo "installing QEMU, libvirt and image tools for the real-VM tests (1-3 min)…"
    # shellcheck disable=SC2086
    apt_install $packages || { echo "real VMs unavailable: apt-get could not install $packages"; return 0; }
  fi
  pgrep -x virtlogd >/dev/null || virtlogd -d
  pgrep -x libvirtd >/dev/null || libvirtd -d
  local waited=0
  until virsh -c qemu:///system version >/dev/null 2>&1; do
    waited=$((waited + 1))
    if [[ $waited -gt 60 ]]; then echo "real VMs unavailable: libvirtd does not answer on qemu:///system"; return 0; fi
    sleep 1
  done
  echo "building (or reusing) the real-VM base images…"
  local dir
  if dir=$(sh "$root/VMPlant.Libvirt/Qemu/guest/build-images.sh" /var/cache/vmplant/images all 2>"$results/build-images.log"); then
    export VMPLANT_IMAGE_DIR="$dir"
    echo "real-VM base images in $dir"
  else
    echo "real VMs unavailable: base images could not be built ($(tail -1 "$results/build-images.log"))"
  fi
}
