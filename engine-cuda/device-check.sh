#!/usr/bin/env bash
# The GPU check of engine-cuda, as one command on a machine with an NVIDIA GPU but no JDK and no network:
# it unpacks the runtime and jars that scripts/pack-for-device.sh put in .device/ (carried there with the
# working tree), runs every test of the package ssgan.cuda with JUnit's console launcher (each device test
# on the emulator and on GPU 0; the mlp and dcgan training steps against the cpu), and writes to $OUT:
#   device-check.log   the launcher's output, after the GPU's name
#   errors.tsv         each check's largest relative error: device, check, value (Gpu.record)
#   summary.json       tests found, successful, failed, aborted (skipped), the GPU, the largest error per op
# Its exit status is the launcher's. It gives the tests 8 minutes, and the whole check ends within 9.
#
#   OUT=/tmp/out bash engine-cuda/device-check.sh     (without a GPU the GPU runs are skipped: a dry run)
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
pack="$root/.device"
out="${OUT:?set OUT to the folder for the log and the summary}"
mkdir -p "$out"
log="$out/device-check.log"
errors="$out/errors.tsv"
: > "$errors"

if [[ ! -f "$pack/jdk.tar.gz" ]]; then
    echo "device-check: no $pack/jdk.tar.gz; run engine-cuda/scripts/pack-for-device.sh and carry .device" | tee "$log" >&2
    exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$pack/jdk.tar.gz" -C "$work"
java="$work/jdk/bin/java"

gpu="none"
if command -v nvidia-smi > /dev/null; then
    gpu="$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2> /dev/null | head -1)"
fi
classpath="$(find "$pack/jars" -name '*.jar' ! -name 'junit-platform-console-standalone-*' | sort | tr '\n' ':')"
{
    echo "device-check: GPU: ${gpu:-unknown}"
    echo "device-check: java: $("$java" -version 2>&1 | head -1)"
} > "$log"

# From engine-cuda/, like Maven: PtxTest reads the committed PTX from src/main/resources there.
cd "$root/engine-cuda"
start=$(date +%s)
timeout 480 "$java" --add-modules jdk.incubator.vector -Xss4m -Dssgan.storage.poison=true -Dssgan.cuda.errorLog="$errors" \
    -jar "$pack"/jars/junit-platform-console-standalone-*.jar execute \
    --class-path "$classpath" --select-package ssgan.cuda --fail-if-no-tests --disable-banner --disable-ansi-colors --details=tree \
    >> "$log" 2>&1
status=$?
seconds=$(( $(date +%s) - start ))
(( status == 124 )) && echo "device-check: the tests ran out of their 8 minutes" >> "$log"

# One count from the launcher's summary ("[        60 tests successful      ]"), or null without one.
count() {
    local n
    n="$(sed -n "s/^\[ *\([0-9]*\) tests $1 *\]$/\1/p" "$log" | tail -1)"
    echo "${n:-null}"
}
# A JSON string: backslashes and quotes escaped.
quote() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}
# The largest error per op on the GPU: the op is the first word of the check's name ("mlp step: ..." and
# "dcgan step: ..." whole);
# a NaN (a check gone wrong) stays, as a string.
largest_errors() {
    awk -F'\t' '$1 == "gpu" && $2 != "device" {
            op = $2
            if (op !~ /^(mlp|dcgan) step/) sub(/[ :,].*/, "", op)
            if (worst[op] ~ /"/) next
            if ($3 !~ /^[0-9.eE+-]+$/) worst[op] = "\"" $3 "\""
            else if (!(op in worst) || $3 + 0 > worst[op] + 0) worst[op] = $3
        }
        END { n = 0; for (op in worst) { gsub(/"/, "\\\"", op); printf "%s\n    \"%s\": %s", (n++ ? "," : ""), op, worst[op] } }' "$errors"
}
device="$(awk -F'\t' '$1 == "gpu" && $2 == "device" { print $3; exit }' "$errors")"
{
    echo "{"
    echo "  \"exit_status\": $status,"
    echo "  \"seconds\": $seconds,"
    echo "  \"gpu\": $(quote "${gpu:-unknown}"),"
    echo "  \"cuda_device\": $(quote "${device:-not opened}"),"
    echo "  \"tests_found\": $(count found),"
    echo "  \"tests_successful\": $(count successful),"
    echo "  \"tests_failed\": $(count failed),"
    echo "  \"tests_aborted\": $(count aborted),"
    echo "  \"tests_skipped\": $(count skipped),"
    echo "  \"largest_relative_error_on_gpu\": {$(largest_errors)"
    echo "  }"
    echo "}"
} > "$out/summary.json"
cat "$out/summary.json"
exit "$status"
