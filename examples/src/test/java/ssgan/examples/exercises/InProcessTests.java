package ssgan.examples.exercises;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs tests of the engine, nn and app modules inside this JVM against a changed copy of one of their
 * source files, without Maven and without touching the file itself: javac compiles the changed text
 * into a class folder of its own, which goes first on a fresh class loader, and the JUnit Platform
 * launcher runs the tagged test classes loaded through it. The loader loads every {@code ssgan.*} class
 * itself (the changed one from its folder, the rest from this JVM's class path), so each run starts from
 * fresh static state, and leaves JUnit's classes to this JVM's loader, which the launcher shares.
 */
final class InProcessTests {
    /** What the tests with one tag did: how many passed, and the failures (a test or its container). */
    static final class Outcome {
        int passed;
        final List<String> failures = new ArrayList<>();
        final List<Throwable> causes = new ArrayList<>();

        boolean anyFailed() {
            return !failures.isEmpty();
        }

        /** Whether some failure was caused, at any depth, by a throwable whose message starts with {@code prefix}. */
        boolean failedWith(String prefix) {
            for (Throwable t : causes) {
                for (Throwable c = t; c != null; c = c.getCause()) {
                    if (c.getMessage() != null && c.getMessage().startsWith(prefix)) return true;
                    for (Throwable s : c.getSuppressed()) {
                        if (s.getMessage() != null && s.getMessage().startsWith(prefix)) return true;
                    }
                }
            }
            return false;
        }

        String firstFailure() {
            return failures.isEmpty() ? "none" : failures.get(0);
        }
    }

    private final Path root;
    private final Path work;
    private final List<URL> classPath = new ArrayList<>();
    private final String classPathString = System.getProperty("java.class.path");
    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final Launcher launcher = LauncherFactory.create();
    private final Map<String, Path> testClassesByModule = new LinkedHashMap<>();
    private int folders;

    InProcessTests(Path root, Path work) {
        this.root = root;
        this.work = work;
        if (javac == null) throw new IllegalStateException("no Java compiler in this JVM: run the tests on a JDK");
        for (String entry : classPathString.split(File.pathSeparator)) {
            if (!entry.isEmpty()) classPath.add(url(Path.of(entry)));
        }
    }

    /**
     * Compiles the named test classes of a module from its test sources (with the engine's test sources
     * for the helpers nn and the app share) against this JVM's class path, once per module.
     */
    Path testClasses(String module, Collection<String> classNames) {
        return testClassesByModule.computeIfAbsent(module, m -> {
            Path out = newFolder("tests-" + m);
            List<Path> sources = new ArrayList<>();
            for (String name : classNames) sources.add(root.resolve(m + "/src/test/java/" + name.replace('.', '/') + ".java"));
            String sourcePath = root.resolve(m + "/src/test/java") + File.pathSeparator + root.resolve("engine/src/test/java");
            try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
                compile(files.getJavaFileObjectsFromPaths(sources), out, List.of("-sourcepath", sourcePath), "the tests of " + m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        });
    }

    /** Compiles source texts, by their path from the repository root, into a new folder; javac's errors make it throw. */
    Path compileVariant(Map<String, String> sources, String what) {
        Path out = newFolder("variant");
        List<JavaFileObject> units = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            String path = e.getKey();
            String inPackage = path.substring(path.indexOf("/src/main/java/") + "/src/main/java/".length());
            String text = e.getValue();
            units.add(new SimpleJavaFileObject(URI.create("string:///" + inPackage), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return text;
                }
            });
        }
        compile(units, out, List.of("-implicit:none"), what);
        return out;
    }

    private void compile(Iterable<? extends JavaFileObject> units, Path out, List<String> extra, String what) {
        List<String> options = new ArrayList<>(List.of("-classpath", classPathString, "-d", out.toString(), "-proc:none",
                "-Xlint:none", "-nowarn", "-encoding", "UTF-8", "--add-modules", "jdk.incubator.vector"));
        options.addAll(extra);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = javac.getTask(null, null, diagnostics, options, null, units).call();
        if (!ok) {
            StringBuilder errors = new StringBuilder(what + " does not compile:");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    errors.append("\n  ").append(d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                            .append(d.getMessage(null));
                }
            }
            throw new AssertionError(errors.toString());
        }
    }

    /**
     * Runs the tests of {@code classNames} that carry one of {@code tags}, with the class folders
     * {@code first} ahead of everything else; returns what happened per tag.
     */
    Map<String, Outcome> run(List<Path> first, Collection<String> classNames, Collection<String> tags) {
        List<URL> urls = new ArrayList<>();
        for (Path p : first) urls.add(url(p));
        urls.addAll(classPath);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String tag : tags) outcomes.put(tag, new Outcome());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (ChildFirst loader = new ChildFirst(urls.toArray(URL[]::new), InProcessTests.class.getClassLoader())) {
            List<ClassSelector> selectors = new ArrayList<>();
            for (String name : classNames) selectors.add(selectClass(Class.forName(name, false, loader)));
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors)
                    .filters(TagFilter.includeTags(List.copyOf(tags)), EngineFilter.includeEngines("junit-jupiter"))
                    .build();
            Thread.currentThread().setContextClassLoader(loader);
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    boolean failed = result.getStatus() == TestExecutionResult.Status.FAILED;
                    if (!id.isTest() && !failed) return;
                    List<Outcome> mine = new ArrayList<>();
                    for (TestTag t : id.getTags()) {
                        if (outcomes.containsKey(t.getName())) mine.add(outcomes.get(t.getName()));
                    }
                    if (mine.isEmpty() && failed) mine.addAll(outcomes.values());   // a class that failed as a whole
                    for (Outcome o : mine) {
                        if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                            o.passed++;
                        } else if (failed) {
                            Throwable t = result.getThrowable().orElse(null);
                            o.failures.add(id.getDisplayName() + " in " + id.getUniqueId().replaceAll(".*\\[class:([^\\]]*)\\].*", "$1")
                                    + ": " + (t == null ? "failed" : t));
                            if (t != null) o.causes.add(t);
                        }
                    }
                }
            });
        } catch (ClassNotFoundException | IOException e) {
            throw new IllegalStateException(e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        return outcomes;
    }

    private Path newFolder(String name) {
        try {
            return Files.createDirectories(work.resolve(String.format("%03d-%s", ++folders, name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(p.toString(), e);
        }
    }

    /** Loads {@code ssgan.*} classes from its own URLs, in their order, and everything else through its parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super("exercise-variant", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("ssgan.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
