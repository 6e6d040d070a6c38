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
aws=/usr/bin/aws
[ -x "$aws" ] || { echo "needs Debian's AWS CLI at /usr/bin/aws (apt-get install awscli)" >&2; exit 2; }

disk="$work/disk.raw"
echo "== preparing a 2 GiB image with 4 x 128 MiB of random data"
rm -f "$disk"
truncate -s 2G "$disk"
for region in 0 5 9 14; do   # in units of 128 MiB
  head -c $((128 * 1024 * 1024)) /dev/urandom | dd of="$disk" bs=1M seek=$((region * 128)) conv=notrunc status=none
done

echo "== cp --sparse=never (3 runs, median)"
times=()
for _ in 1 2 3; do
  rm -f "$work/copy.raw"; sync
  start=$(date +%s.%N)
  cp --sparse=never "$disk" "$work/copy.raw"
  sync "$work/copy.raw"
  times+=("$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN{print a-b}')")
done
rm -f "$work/copy.raw"
cp_seconds=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)

echo "== starting vmie serve"
"$root/vmie" --help >/dev/null   # builds once, outside the measurement
data="$work/data"; rm -rf "$data"
log="$work/serve.log"
"$root/vmie" serve --port 0 --data-dir "$data" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q "Secret access key" "$log" && break; sleep 0.1; done
endpoint=$(sed -n 's/^ *Endpoint: *//p' "$log")
export AWS_ACCESS_KEY_ID=$(sed -n 's/^ *Access key id: *//p' "$log")
export AWS_SECRET_ACCESS_KEY=$(sed -n 's/^ *Secret access key: *//p' "$log")
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
pid=$(pgrep -f "vmie.dll serve --port 0 --data-dir $data" | head -1)

"$aws" --endpoint-url "$endpoint" s3 mb s3://bench >/dev/null
"$aws" --endpoint-url "$endpoint" s3 cp --no-progress "$disk" s3://bench/disk.raw >/dev/null
task=$("$aws" --endpoint-url "$endpoint" ec2 import-snapshot \
  --disk-container 'Format=RAW,UserBucket={S3Bucket=bench,S3Key=disk.raw}' --query ImportTaskId --output text)
# Wait on the server's log rather than polling with the CLI: each CLI start costs a core for half a
# second, which would be measured as vmie's time on a two-core machine.
for _ in $(seq 1 1200); do grep -qE "Import task $task (completed|failed|ended)" "$log" && break; sleep 0.1; done

status=$("$aws" --endpoint-url "$endpoint" ec2 describe-import-snapshot-tasks --import-task-ids "$task" \
  --query 'ImportSnapshotTasks[0].SnapshotTaskDetail.Status' --output text)
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

# Conversion time from the server's own log: from the arrival of the ImportSnapshot request (the first
# EC2 request in the log, logged when answered, with its duration) to the task's completion.
stamp() { date -d "$(echo "$1" | cut -d' ' -f1 | sed 's/T/ /; s/Z$//')" +%s.%N; }
created_line=$(grep -m1 "POST / ec2" "$log")
created_ms=$(echo "$created_line" | sed -n 's/.* in \([0-9.]*\) ms .*/\1/p')
completed_line=$(grep "Import task $task completed" "$log" || true)
[ -n "$completed_line" ] || { echo "FAIL: no completion in the server log"; tail -5 "$log"; exit 1; }
convert_seconds=$(awk -v a="$(stamp "$completed_line")" -v b="$(stamp "$created_line")" -v d="$created_ms" 'BEGIN{print a-b+d/1000}')
store_bytes=$(find "$data/snapshots" -type f ! -name '.lock' -printf '%s\n' | awk '{s+=$1} END {print s+0}')

kill $server; wait $server 2>/dev/null || true
trap - EXIT

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
