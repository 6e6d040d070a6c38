# Shared by the end-to-end timed harnesses (sourced, not run): a median timer, a `vmie serve` on a free port with
# Debian's AWS CLI pointed at it, and times read from the server's own log.
# Expects: root (the repository), work (the scratch folder). Sets: aws.

aws=/usr/bin/aws
[ -x "$aws" ] || { echo "needs Debian's AWS CLI at /usr/bin/aws (apt-get install awscli)" >&2; exit 2; }

# median_seconds PREPARE COMMAND...: runs PREPARE (not timed) then COMMAND three times; prints the median wall time.
median_seconds() {
  local prepare=$1 start times=()
  shift
  for _ in 1 2 3; do
    eval "$prepare"
    start=$(date +%s.%N)
    "$@"
    times+=("$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN{print a-b}')")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}

# start_vmie_serve: a fresh data folder under $work; sets server (the launcher's pid), pid (the serve process, for
# VmHWM), log, data, endpoint and the AWS_* variables. The server is killed when the script exits.
start_vmie_serve() {
  "$root/vmie" --help >/dev/null   # builds once, outside the measurement
  data="$work/data"; rm -rf "$data"
  log="$work/serve.log"
  "$root/vmie" serve --port 0 --data-dir "$data" >"$log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 300); do grep -q "Secret access key" "$log" && break; sleep 0.1; done
  endpoint=$(sed -n 's/^ *Endpoint: *//p' "$log")
  AWS_ACCESS_KEY_ID=$(sed -n 's/^ *Access key id: *//p' "$log")
  AWS_SECRET_ACCESS_KEY=$(sed -n 's/^ *Secret access key: *//p' "$log")
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
  pid=$(pgrep -f "vmie.dll serve --port 0 --data-dir $data" | head -1)
}

stop_vmie_serve() {
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
}

# wait_for_task TASK: waits on the server's log rather than polling with the CLI (each CLI start costs a core for half
# a second, which would be measured as vmie's time on a two-core machine).
wait_for_task() {
  for _ in $(seq 1 3000); do grep -qE "Import task $1 (completed|failed|ended)" "$log" && break; sleep 0.1; done
}

peak_rss_kb() { awk '/VmHWM/ {print $2}' "/proc/$pid/status"; }

# seconds_to_completion TASK N: from the arrival of the Nth EC2 request in the log (logged when answered, with its
# duration) to the task's completion line. Fails when the task did not complete.
log_line_seconds() { date -d "$(echo "$1" | cut -d' ' -f1 | sed 's/T/ /; s/Z$//')" +%s.%N; }

seconds_to_completion() {
  local created_line created_ms completed_line
  created_line=$(grep "POST / ec2" "$log" | sed -n "$2p")
  created_ms=$(echo "$created_line" | sed -n 's/.* in \([0-9.]*\) ms .*/\1/p')
  completed_line=$(grep "Import task $1 completed" "$log" || true)
  [ -n "$completed_line" ] || { echo "FAIL: no completion in the server log" >&2; grep "Import task $1" "$log" | tail -3 >&2; return 1; }
  awk -v a="$(log_line_seconds "$completed_line")" -v b="$(log_line_seconds "$created_line")" -v d="$created_ms" 'BEGIN{print a-b+d/1000}'
}
