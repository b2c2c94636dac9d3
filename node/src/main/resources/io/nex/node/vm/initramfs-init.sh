#!/bin/busybox sh
# /init of the nex guest initramfs. The Debian kernel has virtio, ext4 and virtio-net as
# modules: load them (in dependency order, from /modules.order), mount the root file system and
# hand over to its /sbin/nex-init. The first line below is the boot watchdog's sign of life.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "nex-init: initramfs up"
for module in $(cat /modules.order); do
  insmod "/lib/modules/$module.ko" || echo "nex-init: could not load module $module"
done
# the root is the first virtio disk that is not the metadata drive (which starts with NEXMETA1)
root=""
for disk in /dev/vda /dev/vdb /dev/vdc /dev/vdd; do
  [ -b "$disk" ] || continue
  [ "$(head -c 8 "$disk")" = "NEXMETA1" ] && continue
  root="$disk"
  break
done
mkdir -p /newroot
if [ -z "$root" ] || ! { mount -t ext4 -o rw "$root" /newroot || mount -t ext4 -o ro "$root" /newroot; }; then
  echo "nex-init: cannot mount the root file system (${root:-no disk})"
  reboot -f
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/nex-init
