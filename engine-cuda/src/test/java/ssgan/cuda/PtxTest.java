package ssgan.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX: up to date with the CUDA sources, compilable for a current GPU without register
 * spills, and holding every kernel the Java side launches. None of it needs a GPU; the first two need
 * the CUDA toolkit's nvcc and ptxas on the PATH.
 */
class PtxTest {
    private static final Path MODULE = Path.of("").toAbsolutePath(); // Maven runs tests in the module's folder
    private static final Path COMMITTED = MODULE.resolve("src/main/resources/ssgan/cuda");
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(");

    @Test
    void committedPtxIsWhatTheScriptMakesFromTheSources(@TempDir Path out) throws Exception {
        Path nvcc = onPath("nvcc");
        assumeTrue(nvcc != null, "nvcc is not on the PATH: cannot regenerate the PTX to compare");
        String committedRelease = Kernels.nvccRelease(Files.readString(committedFiles().get(0)));
        String release = releaseOf(run(nvcc.toString(), "--version"));
        assumeTrue(release.equals(committedRelease), "the committed PTX was written by nvcc " + committedRelease
                + " and this nvcc is " + release + ": their output differs anyway");

        run("bash", MODULE.resolve("scripts/regenerate-ptx.sh").toString(), out.toString());

        assertEquals(names(committedFiles()), names(ptxFiles(out)), "the same PTX files");
        for (Path committed : committedFiles()) {
            if (!Arrays.equals(Files.readAllBytes(committed), Files.readAllBytes(out.resolve(committed.getFileName())))) {
                fail(committed.getFileName() + " is out of date with its .cu source: run engine-cuda/scripts/regenerate-ptx.sh");
            }
        }
    }

    @Test
    void everyKernelCompilesForHopperWithoutRegisterSpills() throws Exception {
        Path ptxas = onPath("ptxas");
        assumeTrue(ptxas != null, "ptxas is not on the PATH: cannot compile the PTX to check it");
        for (Path ptx : committedFiles()) {
            String report = run(ptxas.toString(), "-arch=sm_90", "-v", "-o", "/dev/null", ptx.toString());
            Map<String, int[]> spills = spillsByFunction(report);
            for (String entry : entries(Files.readString(ptx))) {
                assertTrue(spills.containsKey(entry), ptx.getFileName() + ": ptxas -v reports no spills line for " + entry + ":\n" + report);
            }
            spills.forEach((function, bytes) -> assertTrue(bytes[0] == 0 && bytes[1] == 0,
                    function + " spills registers: " + bytes[0] + " bytes stored, " + bytes[1] + " loaded"));
        }
    }

    @Test
    void everyKernelTheJavaSideLaunchesIsAnEntryOfItsModule() throws IOException {
        for (Kernel k : Kernel.values()) {
            assertTrue(entries(Kernels.ptx(k.module)).contains(k.entry), k + ": no .entry " + k.entry + " in " + k.module + ".ptx");
        }
    }

    @Test
    void everyEntryOfThePtxIsLaunchedFromJava() throws IOException {
        TreeSet<String> launched = new TreeSet<>();
        for (Kernel k : Kernel.values()) launched.add(k.module + "." + k.entry);
        TreeSet<String> defined = new TreeSet<>();
        for (Path ptx : committedFiles()) {
            String module = ptx.getFileName().toString().replace(".ptx", "");
            for (String entry : entries(Files.readString(ptx))) defined.add(module + "." + entry);
        }
        assertEquals(defined, launched, "Kernel lists exactly the kernels of the PTX files");
    }

    /** The spill stores and loads ptxas -v reports for each function (entries and any device function not inlined), in bytes. */
    private static Map<String, int[]> spillsByFunction(String report) {
        Map<String, int[]> spills = new LinkedHashMap<>();
        Matcher m = Pattern.compile("Function properties for (\\w+)\\s+\\d+ bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads")
                .matcher(report);
        while (m.find()) spills.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
        return spills;
    }

    private static List<String> entries(String ptx) {
        List<String> names = new ArrayList<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    private static List<Path> committedFiles() throws IOException {
        List<Path> files = ptxFiles(COMMITTED);
        assertTrue(!files.isEmpty(), "no PTX files in " + COMMITTED);
        return files;
    }

    private static List<Path> ptxFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(".ptx")).sorted().toList();
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    private static String releaseOf(String nvccVersion) {
        Matcher m = Pattern.compile("release ([0-9.]+)").matcher(nvccVersion);
        return m.find() ? m.group(1) : "(unknown)";
    }

    /** The executable {@code name} in a folder of the PATH, or null. */
    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Runs a command to completion and returns its output (stdout and stderr); fails on a non-zero exit. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        if (exit != 0) fail(String.join(" ", command) + " exited with " + exit + ":\n" + output);
        return output;
    }
}
