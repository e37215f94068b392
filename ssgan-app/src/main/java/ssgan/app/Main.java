package ssgan.app;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import ssgan.app.cli.SsganCommand;

/**
 * Entry point of {@code java -jar ssgan-app.jar}.
 *
 * <p>The engine's fast kernels need the incubator module {@code jdk.incubator.vector}, which the JVM only
 * loads when started with {@code --add-modules}. A jar's manifest cannot ask for that, so when the module
 * is missing this launcher starts the same JVM once more with the flag and the same arguments, and passes
 * the child's output, exit code and termination signals through. The user types no flag.
 */
public final class Main {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Set in the relaunched JVM's environment: the launcher's process id. */
    private static final String RELAUNCHED = "SSGAN_RELAUNCHED";

    private Main() {}

    public static void main(String[] args) {
        boolean hasVectorApi = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
        String launcher = System.getenv(RELAUNCHED);
        if (launcher != null) endWithLauncher(launcher);
        if (!hasVectorApi && launcher == null) {
            Integer code = relaunchWithVectorApi(args);
            if (code != null) System.exit(code);
            // Could not relaunch (unusual JVM layout): carry on with the scalar kernels.
        }
        System.exit(run(args));
    }

    /** Runs the command line in this JVM and returns the exit code (used by tests too). */
    public static int run(String... args) {
        return SsganCommand.commandLine().execute(args);
    }

    private static Integer relaunchWithVectorApi(String[] args) {
        String java = ProcessHandle.current().info().command().orElse(null);
        String classPath = ownClassPath();
        if (java == null || classPath == null) return null;
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("--add-modules=" + VECTOR_MODULE);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(classPath);
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put(RELAUNCHED, Long.toString(ProcessHandle.current().pid()));
        try {
            Process child = pb.start();
            // Ctrl-C reaches the child directly (same process group); a plain kill of this launcher is
            // forwarded, and we wait so the child can save its checkpoint before we exit.
            Thread forward = new Thread(() -> {
                if (child.isAlive()) {
                    child.destroy();
                    try {
                        child.waitFor();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Runtime.getRuntime().addShutdownHook(forward);
            int code = child.waitFor();
            try {
                Runtime.getRuntime().removeShutdownHook(forward);
            } catch (IllegalStateException shuttingDown) {
                // already exiting: the hook does the waiting
            }
            return code;
        } catch (Exception e) {
            System.err.println("ssgan: could not restart the JVM with " + VECTOR_MODULE + " (" + e.getMessage() + "); using scalar kernels");
            return null;
        }
    }

    /**
     * In the relaunched JVM: when the launcher ends, however it ends (a {@code kill -9} of the launcher
     * runs none of its code), this JVM exits too, through its shutdown hooks, so a training saves
     * {@code last} and stops instead of running on unseen in the background.
     */
    private static void endWithLauncher(String launcherPid) {
        long pid;
        try {
            pid = Long.parseLong(launcherPid);
        } catch (NumberFormatException e) {
            return;  // not set by us
        }
        var parent = ProcessHandle.of(pid);
        if (parent.isEmpty()) System.exit(130);
        parent.get().onExit().thenRun(() -> {
            System.err.println("ssgan: the launcher (process " + pid + ") has ended; stopping");
            System.exit(130);
        });
    }

    private static String ownClassPath() {
        try {
            File location = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String cp = System.getProperty("java.class.path");
            return location.isFile() ? location.getPath() : (cp == null || cp.isEmpty() ? location.getPath() : cp);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }

    /** Used in help and logs. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * The commit this jar was built from, as {@code git describe} gave it to the build (build.properties):
     * an abbreviated hash, with "-dirty" when the working tree had uncommitted changes; "unknown" when
     * the build found no git or no repository.
     */
    public static String commit() {
        try (var in = Main.class.getResourceAsStream("build.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return commit(p);
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The commit recorded in build properties; "unknown" where the build left it empty or unfilled. */
    static String commit(Properties buildProperties) {
        String c = buildProperties.getProperty("commit", "").strip();
        return c.isEmpty() || c.startsWith("${") ? "unknown" : c;
    }

    static CommandLine commandLine() {
        return SsganCommand.commandLine();
    }
}
