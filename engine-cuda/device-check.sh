#!/usr/bin/env bash
# The GPU check of engine-cuda, as one command on a machine with an NVIDIA GPU but no JDK and no network:
# it unpacks the runtime and jars that scripts/pack-for-device.sh put in .device/ (carried there with the
# working tree), and in three parts, each under its own time limit:
#   1. tests (4 minutes): every test of the package ssgan.cuda with JUnit's console launcher (each device
#      test on the emulator and on GPU 0; the mlp and dcgan training steps against the cpu);
#   2. step times (1 minute): the trainer's step with the train command's defaults (StepTimer, in the
#      app's test classes): mlp at batch 100 and dcgan at batch 50, 20 warm-up and 200 timed iterations on
#      the GPU (each iteration submitted as one CUDA graph), a few on this machine's cpu for comparison,
#      and the mlp on a driver that does nothing (host-only: the host's share of a GPU step);
#      the mlp again with copies blocking, and both with every kernel launched as it comes; and the
#      discriminators' forward launched op by op against the same forward replayed from a CUDA graph;
#   3. training (3 minutes): java -jar ssgan-app.jar train --device cuda on MNIST until 99 % validation
#      accuracy or 2.5 minutes of training, with its seconds to 95, 98 and 99 %.
# It writes to $OUT:
#   device-check.log   the GPU's name, then each part's output
#   errors.tsv         each check's largest relative error: device, check, value (Gpu.record)
#   train-summary.json, train-metrics.csv   the training run's own summary and metrics
#   summary.json       tests found, successful, failed, aborted (skipped), the GPU, the largest error per
#                      op, the step times, the training's results
# Its exit status is the tests'. The whole check ends within 9 minutes. Without a GPU the GPU's step
# times and the training are skipped with the reason, and the cpu's step times are still measured.
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
echo "device-check: 1. tests" | tee -a "$log"
start=$(date +%s)
timeout 240 "$java" --add-modules jdk.incubator.vector -Xss4m -Dssgan.storage.poison=true -Dssgan.cuda.errorLog="$errors" \
    -jar "$pack"/jars/junit-platform-console-standalone-*.jar execute \
    --class-path "$classpath" --select-package ssgan.cuda --fail-if-no-tests --disable-banner --disable-ansi-colors --details=tree \
    >> "$log" 2>&1
status=$?
seconds=$(( $(date +%s) - start ))
(( status == 124 )) && echo "device-check: the tests ran out of their 4 minutes" >> "$log"

# 2. The step times, each printed as "step-time {json}" as soon as it is measured.
echo "device-check: 2. step times" | tee -a "$log"
# StepTimer under a time limit: step_timer SECONDS [-Dname=value ...] DEVICE:ARCH:BATCH:WARMUP:TIMED ...
step_timer() {
    local seconds="$1" options=()
    shift
    while [[ "${1:-}" == -D* ]]; do options+=("$1"); shift; done
    timeout --kill-after=3 "$seconds" "$java" --add-modules jdk.incubator.vector -Djava.awt.headless=true ${options[@]+"${options[@]}"} \
        -cp "$pack/app/ssgan-app.jar:$pack/jars/ssgan-app-device-tests.jar" ssgan.app.train.StepTimer "$pack/mnist" "$@" 2>&1 | tee -a "$log"
    (( PIPESTATUS[0] == 124 || PIPESTATUS[0] == 137 )) && echo "device-check: these step times ran out of their ${seconds} s" | tee -a "$log"
}
# The cpu's between the GPU's, so that a slow GPU step still leaves the cpu's for comparison.
step_timer 40 cuda:mlp:100:20:200 cpu:mlp:100:3:10 cpu:dcgan:50:2:5 cuda:dcgan:50:20:200 host-only:mlp:100:100:500
# The mlp step again with every copy to the GPU blocking, as before engine-cuda's Uploads: what queuing them gains.
step_timer 12 -Dssgan.cuda.blockingUploads=true cuda:mlp:100:20:200
# And with every call launched as it comes instead of each iteration as one CUDA graph (LaunchBatches).
step_timer 15 -Dssgan.cuda.stepGraphs=false cuda:mlp:100:20:200 cuda:dcgan:50:10:50
# What a CUDA graph saves on launches: the discriminators' eval forward, op by op and replayed.
step_timer 20 cuda:mlp-forward:100:20:500 cuda:dcgan-forward:50:20:200

# 3. Training on MNIST, timed from java -jar to its exit; without a GPU the app refuses cuda in one line (exit 2).
# With --add-modules the app does not start a second JVM for the Vector API, so timeout stops the one that trains.
echo "device-check: 3. training" | tee -a "$log"
train_start=$(date +%s)
timeout --kill-after=10 170 "$java" --add-modules jdk.incubator.vector -Djava.awt.headless=true -jar "$pack/app/ssgan-app.jar" train --device cuda \
    --data "$pack/mnist" --target-accuracy 0.99 --max-minutes 2.5 --out "$work/train" > "$work/train.log" 2>&1
train_status=$?
train_seconds=$(( $(date +%s) - train_start ))
sed 's/^/train: /' "$work/train.log" | tail -60 >> "$log"
cp "$work/train/summary.json" "$out/train-summary.json" 2> /dev/null
cp "$work/train/metrics.csv" "$out/train-metrics.csv" 2> /dev/null
tail -3 "$work/train.log"

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
# The step-time lines as the items of a JSON array.
step_times() {
    sed -n 's/^step-time \(.*\)$/    \1/p' "$log" | sed '$!s/$/,/'
}
# The training: the script's own exit status and clock, and the results from the run's summary.json
# (one "key": value per line there), or the app's last line when it did not train.
training() {
    echo "    \"exit_status\": $train_status,"
    echo "    \"seconds_from_java_start_to_exit\": $train_seconds,"
    if [[ -f "$out/train-summary.json" ]]; then
        grep -E '^  "(status|iterations|elapsed_seconds|iterations_per_second|validation_accuracy|test_accuracy|selected_(iteration|validation_accuracy|test_accuracy)|seconds_to_9[589](_validation)?|collapse_rollbacks)": ' \
            "$out/train-summary.json" | sed 's/,$//; s/^  /    /' | sed '$!s/$/,/'
    else
        echo "    \"skipped\": $(quote "$(tail -1 "$work/train.log")")"
    fi
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
    echo "  },"
    echo "  \"step_times\": ["
    step_times
    echo "  ],"
    echo "  \"training\": {"
    training
    echo "  }"
    echo "}"
} > "$out/summary.json"
cat "$out/summary.json"
exit "$status"
