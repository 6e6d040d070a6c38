#!/usr/bin/env bash
# Fuzzes one parser with afl-fuzz and SharpFuzz: fuzz/run.sh TARGET SECONDS
# Installs what is missing (afl++ from Debian, the sharpfuzz dotnet tool), builds the target's harness, instruments
# the assembly it tests (Vmie.Disks.dll or Vmie.Guest.dll), seeds from fuzz/corpus/TARGET and prints every crash and hang found.
# Work files go to fuzz/out/TARGET (not committed); keep a finding by copying it to fuzz/findings/TARGET/.
set -euo pipefail
target="${1:?usage: fuzz/run.sh TARGET SECONDS (disk targets: sniffer vmdk vmdk-descriptor vhd vhdx ova; guest targets: partitions lvm ext xfs btrfs ntfs fat regf initramfs)}"
seconds="${2:-300}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="$here/corpus/$target"
out="$here/out/$target"
[ -d "$corpus" ] || { echo "run.sh: no seed corpus $corpus" >&2; exit 2; }
# Which harness has the target, and which assembly holds the code it fuzzes.
case "$target" in
  partitions|lvm|ext|xfs|btrfs|ntfs|fat|regf|initramfs) harness=Vmie.Guest.Fuzz; parsers=Vmie.Guest.dll ;;
  *) harness=Vmie.Disks.Fuzz; parsers=Vmie.Disks.dll ;;
esac

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq && apt-get install -y -qq afl++
fi
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
fi

bin="$here/out/bin"
rm -rf "$bin"  # a fresh, uninstrumented copy each time
dotnet publish "$here/$harness/$harness.csproj" -c Release -o "$bin" -nologo -v quiet
# Findings replay on an uninstrumented copy: instrumented code outside afl-fuzz dies writing to afl's missing shared memory.
replay="$here/out/replay-bin"
rm -rf "$replay"
cp -r "$bin" "$replay"
# Only the parsers are instrumented: coverage of the harness and the BCL would be noise.
sharpfuzz "$bin/$parsers"

rm -rf "$out"
mkdir -p "$out"
# -t: an input that takes more than 5 s is a hang; a finding like any crash.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=30000
timeout --signal=INT "$((seconds + 30))" \
  afl-fuzz -i "$corpus" -o "$out" -t 5000 -m none -V "$seconds" -- dotnet "$bin/$harness.dll" "$target" \
  > "$out/afl.log" 2>&1 || true

stats="$out/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg) ' "$stats"
else
  tail -30 "$out/afl.log"
  exit 1
fi
shopt -s nullglob
findings=("$out"/default/crashes/id:* "$out"/default/hangs/id:*)
if [ "${#findings[@]}" -eq 0 ]; then
  echo "no crashes or hangs"
  exit 0
fi
echo "${#findings[@]} finding(s); replaying each:"
dotnet "$replay/$harness.dll" "$target" "${findings[@]}" || true
