#!/usr/bin/env bash
# Packs what engine-cuda/device-check.sh needs on a GPU machine that has no JDK and no network into
# .device/ at the repository root (git ignores it): a jlinked Java 17 runtime as jdk.tar.gz, in jars/
# the classes of the device tests and everything they load, the app's jar (app/ssgan-app.jar, for the
# training run and the step timer) and MNIST's four IDX files, gzipped (mnist/, from ~/.cache/ssgan/mnist).
# A device call then names it in its carry list, and runs the check there as one command:
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
# JUnit's console launcher runs the tests there; the build does not use it, so a fresh machine lacks it.
[[ -f "$console" ]] || mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.11.4

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$pack"
mkdir -p "$pack/jars"

# A runtime of just the modules the tests and JUnit's console launcher use; jdk.zipfs is how the
# launcher looks into the jars for the package's test classes; java.desktop is the app's plots and samples.
jlink --add-modules java.base,java.logging,java.xml,java.management,jdk.incubator.vector,jdk.unsupported,jdk.zipfs,java.desktop \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output "$work/jdk"
# The plots draw text: the font manager's libraries (found through its rpath, $ORIGIN) and one font, in
# case the GPU machine has neither, with a fontconfig.properties that maps Java's logical fonts to it (the
# runtime reads that file when the system has no fontconfig or no fonts; checked here by hiding both).
for library in libfreetype.so.6 libharfbuzz.so.0 libglib-2.0.so.0 libgraphite2.so.3 libpcre2-8.so.0 libpng16.so.16 \
               libbrotlidec.so.1 libbrotlicommon.so.1 libz.so.1 liblcms2.so.2 libjpeg.so.62; do
    cp -L "$(ldconfig -p | awk -v name="$library" '$1 == name && /x86-64/ { print $NF; exit }')" "$work/jdk/lib/"
done
mkdir -p "$work/jdk/lib/fonts"
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf "$work/jdk/lib/fonts/"
{
    echo "version=1"
    echo "sequence.allfonts=latin-1"
    for logical in serif sansserif monospaced dialog dialoginput; do
        printf '%s.plain.latin-1=DejaVu Sans\n%s.italic.latin-1=DejaVu Sans\n' "$logical" "$logical"
        printf '%s.bold.latin-1=DejaVu Sans Bold\n%s.bolditalic.latin-1=DejaVu Sans Bold\n' "$logical" "$logical"
    done
    echo 'filename.DejaVu_Sans=$JRE_LIB_FONTS/DejaVuSans.ttf'
    echo 'filename.DejaVu_Sans_Bold=$JRE_LIB_FONTS/DejaVuSans-Bold.ttf'
} > "$work/jdk/lib/fontconfig.properties"
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

# The app as users run it (java -jar), for the training run; the step timer (in the app's test classes)
# runs on it too, since it holds the command-line library the timer reads the train defaults from.
mkdir "$pack/app"
cp ssgan-app/target/ssgan-app.jar "$pack/app/"

# MNIST, as the data loader takes it (--data: a folder of the four IDX files, raw or gzipped).
mnist="${MNIST_CACHE:-$HOME/.cache/ssgan/mnist}"
mkdir "$pack/mnist"
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    if [[ -f "$mnist/$name.gz" ]]; then cp "$mnist/$name.gz" "$pack/mnist/"
    elif [[ -f "$mnist/$name" ]]; then gzip -c "$mnist/$name" > "$pack/mnist/$name.gz"
    else echo "pack-for-device: no $mnist/$name(.gz); run the app once to download MNIST, or set MNIST_CACHE" >&2; exit 1
    fi
done

size_mib=$(( $(du -sk "$pack" | cut -f1) / 1024 ))
if (( size_mib >= limit_mib )); then
    echo "pack-for-device: .device holds ${size_mib} MiB, over the ${limit_mib} MiB a device call carries" >&2
    exit 1
fi
echo "pack-for-device: .device holds ${size_mib} MiB (jdk.tar.gz $(du -sk "$pack/jdk.tar.gz" | cut -f1) KiB, $(ls "$pack/jars" | wc -l) jars" \
     "$(du -sk "$pack/jars" | cut -f1) KiB, app $(du -sk "$pack/app" | cut -f1) KiB, mnist $(du -sk "$pack/mnist" | cut -f1) KiB)"
echo "carry: .device      command: bash engine-cuda/device-check.sh"
