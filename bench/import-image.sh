#!/usr/bin/env bash
# Timed harness: ImportImage of an OVA holding a 2 GiB Debian guest with about 600 MiB of data (a debootstrap
# minbase plus 400 MiB of random files), end to end through `vmie serve` and Debian's AWS CLI, against
# `qemu-img convert -O raw` of the same VMDK on the same machine. Reports ImportImage -> completed (inspection
# included, from the server's log), qemu-img's time, their ratio and vmie's peak RSS (VmHWM of the serve
# process). No goal is enforced here (the figures go to bench/README.md); exits non-zero when the task fails.
# Needs debootstrap (root), mkfs.ext4, sfdisk, qemu-img, tar and /usr/bin/aws.
# Usage: bench/import-image.sh [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/vmie-bench-image.XXXXXX)}"
mkdir -p "$work"
. "$root/bench/lib.sh"
kernel=6.1.0-18-amd64
root_uuid=11111111-2222-3333-4444-555555555555
MiB=$((1024 * 1024))

echo "== building a 2 GiB Debian guest (MBR, active /boot, ext4 root) with ~600 MiB of data"
rootfs=/tmp/vmie-test-debian-bookworm-minbase   # the guest tests' cache, when present
if [ ! -f "$rootfs/.complete" ]; then
  rootfs="$work/minbase"
  [ -f "$rootfs/.complete" ] || { debootstrap --variant=minbase bookworm "$rootfs" >/dev/null; touch "$rootfs/.complete"; }
fi
tree="$work/tree"; rm -rf "$tree" "$work/boot-tree"
cp -a "$rootfs" "$tree"
mkdir -p "$tree/boot/grub/i386-pc" "$tree/lib/modules/$kernel/kernel/drivers/net/ethernet/amazon/ena" "$tree/var/lib/bench"
echo kernel >"$tree/boot/vmlinuz-$kernel"
echo module >"$tree/boot/grub/i386-pc/normal.mod"
echo m >"$tree/lib/modules/$kernel/kernel/drivers/net/ethernet/amazon/ena/ena.ko"
echo kernel/drivers/nvme/host/nvme.ko >"$tree/lib/modules/$kernel/modules.builtin"
printf 'UUID=%s / ext4 errors=remount-ro 0 1\nLABEL=boot /boot ext4 defaults 0 2\n' "$root_uuid" >"$tree/etc/fstab"
printf 'set default="0"\nmenuentry '"'"'Debian GNU/Linux'"'"' {\n\tlinux\t/boot/vmlinuz-%s root=UUID=%s ro quiet\n}\n' "$kernel" "$root_uuid" >"$tree/boot/grub/grub.cfg"
for i in 0 1 2 3; do head -c $((100 * MiB)) /dev/urandom >"$tree/var/lib/bench/blob$i"; done
mv "$tree/boot" "$work/boot-tree"; mkdir "$tree/boot"
rm -f "$work/boot.ext4" "$work/root.ext4" "$work/disk.raw"
mkfs.ext4 -q -F -L boot -d "$work/boot-tree" "$work/boot.ext4" 256M
mkfs.ext4 -q -F -U "$root_uuid" -d "$tree" "$work/root.ext4" 1790M
truncate -s 2G "$work/disk.raw"
printf 'label: dos\nstart=1MiB, size=256MiB, type=83, bootable\nstart=257MiB, size=1790MiB, type=83\n' | sfdisk --quiet "$work/disk.raw"
printf '\xeb\x63\x90\x10\x8e\xd0\xbc\x00' | dd of="$work/disk.raw" conv=notrunc status=none
dd if="$work/boot.ext4" of="$work/disk.raw" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$work/root.ext4" of="$work/disk.raw" bs=1M seek=257 conv=notrunc,sparse status=none
rm -rf "$tree" "$work/boot-tree" "$work/boot.ext4" "$work/root.ext4"
qemu-img convert -O vmdk -o subformat=streamOptimized "$work/disk.raw" "$work/disk1.vmdk"
capacity=$(stat -c %s "$work/disk.raw")
cat >"$work/vm.ovf" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:id="file1" ovf:href="disk1.vmdk"/></References>
  <DiskSection><Info>Virtual disks</Info><Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="$capacity"/></DiskSection>
</Envelope>
EOF
tar --format=ustar -cf "$work/vm.ova" -C "$work" vm.ovf disk1.vmdk
data_mib=$(( $(qemu-img map --output=json "$work/disk.raw" | python3 -c 'import json,sys; print(sum(e["length"] for e in json.load(sys.stdin) if e["data"]))') / MiB ))
echo "   guest data: $data_mib MiB; VMDK $(( $(stat -c %s "$work/disk1.vmdk") / MiB )) MiB; OVA $(( $(stat -c %s "$work/vm.ova") / MiB )) MiB"
rm -f "$work/disk.raw"

echo "== qemu-img convert -O raw of the VMDK (3 runs, median)"
convert() { qemu-img convert -O raw "$work/disk1.vmdk" "$work/qemu.raw" && sync "$work/qemu.raw"; }
qemu_seconds=$(median_seconds 'rm -f "$work/qemu.raw"; sync' convert)
rm -f "$work/qemu.raw"

echo "== starting vmie serve"
start_vmie_serve
"$aws" --endpoint-url "$endpoint" s3 mb s3://bench >/dev/null
"$aws" --endpoint-url "$endpoint" s3 cp --no-progress "$work/vm.ova" s3://bench/vms/vm.ova >/dev/null
requests_before=$(grep -c "POST / ec2" "$log" || true)
task=$("$aws" --endpoint-url "$endpoint" ec2 import-image --license-type BYOL \
  --disk-containers 'Format=ova,UserBucket={S3Bucket=bench,S3Key=vms/vm.ova}' --query ImportTaskId --output text)
wait_for_task "$task"

read -r status image <<<"$("$aws" --endpoint-url "$endpoint" ec2 describe-import-image-tasks --import-task-ids "$task" \
  --query 'ImportImageTasks[0].[Status,ImageId]' --output text)"
peak_kb=$(peak_rss_kb)
import_seconds=$(seconds_to_completion "$task" $((requests_before + 1)))

stop_vmie_serve

printf '\n%-38s %s (%s)\n' "task status" "$status" "$image"
printf '%-38s %.3f s\n' "qemu-img convert -O raw (median of 3)" "$qemu_seconds"
printf '%-38s %.3f s  (%.2fx qemu-img)\n' "ImportImage -> completed" "$import_seconds" "$(awk -v a="$import_seconds" -v b="$qemu_seconds" 'BEGIN{print a/b}')"
printf '%-38s %d MB\n' "vmie peak RSS (VmHWM)" $((peak_kb / 1000))
[ "$status" = completed ]
