#!/usr/bin/env bash
# Timed harness: ImportSnapshot of a 2 GiB raw object holding 512 MiB of data, end to end through
# `vmie serve` and Debian's AWS CLI. Reports the conversion time (task created -> completed, from the
# server's log), the same file's `cp --sparse=never` time, vmie's peak RSS and the snapshot store size,
# and exits non-zero when a goal is missed:
#   conversion < 2 x cp,  peak RSS < 300 MB,  snapshot store < 520 MiB.
# Usage: bench/import-snapshot.sh [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/vmie-bench.XXXXXX)}"
mkdir -p "$work"
. "$root/bench/lib.sh"

disk="$work/disk.raw"
echo "== preparing a 2 GiB image with 4 x 128 MiB of random data"
rm -f "$disk"
truncate -s 2G "$disk"
for region in 0 5 9 14; do   # in units of 128 MiB
  head -c $((128 * 1024 * 1024)) /dev/urandom | dd of="$disk" bs=1M seek=$((region * 128)) conv=notrunc status=none
done

echo "== cp --sparse=never (3 runs, median)"
copy() { cp --sparse=never "$disk" "$work/copy.raw" && sync "$work/copy.raw"; }
cp_seconds=$(median_seconds 'rm -f "$work/copy.raw"; sync' copy)
rm -f "$work/copy.raw"

echo "== starting vmie serve"
start_vmie_serve
"$aws" --endpoint-url "$endpoint" s3 mb s3://bench >/dev/null
"$aws" --endpoint-url "$endpoint" s3 cp --no-progress "$disk" s3://bench/disk.raw >/dev/null
task=$("$aws" --endpoint-url "$endpoint" ec2 import-snapshot \
  --disk-container 'Format=RAW,UserBucket={S3Bucket=bench,S3Key=disk.raw}' --query ImportTaskId --output text)
wait_for_task "$task"

status=$("$aws" --endpoint-url "$endpoint" ec2 describe-import-snapshot-tasks --import-task-ids "$task" \
  --query 'ImportSnapshotTasks[0].SnapshotTaskDetail.Status' --output text)
peak_kb=$(peak_rss_kb)
# The ImportSnapshot request is the first EC2 request in the log.
convert_seconds=$(seconds_to_completion "$task" 1)
store_bytes=$(find "$data/snapshots" -type f ! -name '.lock' -printf '%s\n' | awk '{s+=$1} END {print s+0}')

stop_vmie_serve

ratio=$(awk -v a="$convert_seconds" -v b="$cp_seconds" 'BEGIN{print a/b}')
printf '\n%-34s %s\n' "task status" "$status"
printf '%-34s %.3f s\n' "cp --sparse=never (median of 3)" "$cp_seconds"
printf '%-34s %.3f s  (%.2fx cp)\n' "ImportSnapshot created->completed" "$convert_seconds" "$ratio"
printf '%-34s %d MB\n' "vmie peak RSS (VmHWM)" $((peak_kb / 1000))
printf '%-34s %.1f MiB\n' "snapshot store size" "$(awk -v a="$store_bytes" 'BEGIN{print a/1048576}')"

fail=0
[ "$status" = completed ] || { echo "FAIL: task ended $status"; fail=1; }
[ "$(awk -v a="$convert_seconds" -v b="$cp_seconds" 'BEGIN{print (a < 2*b) ? 1 : 0}')" = 1 ] || { echo "FAIL: conversion is not under 2x cp"; fail=1; }
[ "$peak_kb" -lt 300000 ] || { echo "FAIL: peak RSS over 300 MB"; fail=1; }
[ "$store_bytes" -lt $((520 * 1024 * 1024)) ] || { echo "FAIL: store over 520 MiB"; fail=1; }
[ "$fail" = 0 ] && echo "all goals met"
exit $fail
