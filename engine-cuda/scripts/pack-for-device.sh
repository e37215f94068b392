#!/usr/bin/env bash
# Packs what engine-cuda/device-check.sh needs on a GPU machine that has no JDK and no network into
# .device/ at the repository root (git ignores it): a jlinked Java 17 runtime as jdk.tar.gz, and in jars/
# the classes of the device tests and everything they load. A device call then names it in its carry
# list, and runs the check there as one command:
#
#   engine-cuda/scripts/pack-for-device.sh      (builds the modules offline first, without running tests)
#   device call: command "bash engine-cuda/device-check.sh", carry [".device"]
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
pack="$root/.device"
repo="${MAVEN_REPOSITORY:-$HOME/.m2/repository}"
limit_mib=64   # what a device call carries at most
cd "$root"

version="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -1)"
jcuda="$(sed -n 's|.*<jcuda.version>\(.*\)</jcuda.version>.*|\1|p' engine-cuda/pom.xml)"
console="$repo/org/junit/platform/junit-platform-console-standalone/1.11.4/junit-platform-console-standalone-1.11.4.jar"

# The jars (and the test jars of engine and engine-cuda); the app's test classes are compiled too.
mvn -B -q -o package -DskipTests -pl engine,engine-cuda,nn,ssgan-app

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$pack"
mkdir -p "$pack/jars"

# A runtime of just the modules the tests and JUnit's console launcher use; jdk.zipfs is how the
# launcher looks into the jars for the package's test classes.
jlink --add-modules java.base,java.logging,java.xml,java.management,jdk.incubator.vector,jdk.unsupported,jdk.zipfs \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output "$work/jdk"
tar -czf "$pack/jdk.tar.gz" -C "$work" jdk

cp engine/target/engine-"$version".jar engine/target/engine-"$version"-tests.jar \
   engine-cuda/target/engine-cuda-"$version".jar engine-cuda/target/engine-cuda-"$version"-tests.jar \
   nn/target/nn-"$version".jar ssgan-app/target/ssgan-app-"$version".jar \
   "$repo/org/jcuda/jcuda/$jcuda/jcuda-$jcuda.jar" "$console" "$pack/jars/"
# The app's test classes, for its device tests (package ssgan.cuda: the mlp and dcgan steps on the GPU),
# which borrow helpers from the others (TrainerOnDeviceTest.worstDifference); device-check.sh runs only
# that package, since the app's other tests need data and time.
jar --create --file "$pack/jars/ssgan-app-device-tests.jar" -C ssgan-app/target/test-classes .
# Of JCuda's native libraries only the driver API's, as in the app's jar: the others are 25 MB more.
mkdir "$work/natives"
(cd "$work/natives" && jar --extract --file "$repo/org/jcuda/jcuda-natives/$jcuda/jcuda-natives-$jcuda-linux-x86_64.jar" \
    "lib/libJCudaDriver-$jcuda-linux-x86_64.so")
jar --create --file "$pack/jars/jcuda-natives-$jcuda-linux-x86_64-driver.jar" -C "$work/natives" lib

size_mib=$(( $(du -sk "$pack" | cut -f1) / 1024 ))
if (( size_mib >= limit_mib )); then
    echo "pack-for-device: .device holds ${size_mib} MiB, over the ${limit_mib} MiB a device call carries" >&2
    exit 1
fi
echo "pack-for-device: .device holds ${size_mib} MiB ($(ls "$pack/jars" | wc -l) jars and jdk.tar.gz)"
echo "carry: .device      command: bash engine-cuda/device-check.sh"
