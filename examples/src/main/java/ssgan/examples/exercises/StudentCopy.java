package ssgan.examples.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A student's copy of the repository: the files git knows (tracked, and new ones it does not ignore), as
 * they are in the working tree, with every exercise stripped and no solution anywhere. The Java fences of
 * the docs that copy a region holding an exercise ({@code <!-- code: FILE#REGION -->}) are copied again
 * from the stripped sources, so the tour does not give the answers away and its check still passes.
 */
final class StudentCopy {
    private static final Pattern CODE_MARKER = Pattern.compile("<!--\\s*code:\\s*([^\\s#]+)#([\\w-]+)\\s*-->");

    private StudentCopy() {}

    /** Writes the copy into {@code target} (absent or empty, outside the repository); returns the number of files. */
    static int export(Catalog catalog, Path target) throws IOException {
        Path root = catalog.root();
        Path out = target.toAbsolutePath().normalize();
        if (out.startsWith(root)) {
            throw new IllegalArgumentException("export: " + target + " is inside the repository; give a folder outside it, e.g. ../ssgan-student");
        }
        if (Files.exists(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) throw new IllegalArgumentException("export: " + target + " is not empty; give a new folder");
            }
        }
        List<String> files = gitFiles(root);
        int copied = 0;
        for (String f : files) {
            Path src = root.resolve(f);
            if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(src)) continue;  // deleted, or a submodule
            Path dst = out.resolve(f);
            Files.createDirectories(dst.getParent());
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            copied++;
        }
        for (Exercise e : catalog.exercises()) {
            Path file = out.resolve(e.file());
            String text = Catalog.read(file);
            for (Exercise.Region r : Exercise.regions(text, e.file(), new ArrayList<>())) {
                if (r.name().equals(e.name())) {
                    Workspace.write(file, r.replaceBody(text, e.stub(r.indent())));
                    break;
                }
            }
        }
        refreshCopiedFences(root, out);
        Workspace.write(out.resolve(Workspace.STUDENT_COPY), "A student copy made by 'Exercises export': every exercise is stripped and\n"
                + "no solution is kept here. Write each one, then run the command that 'Exercises list' shows for it.\n");
        return copied;
    }

    /** The files git lists: tracked, and untracked but not ignored. */
    private static List<String> gitFiles(Path root) throws IOException {
        Process p = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        try {
            if (p.waitFor() != 0) throw new IOException("export: 'git ls-files' failed in " + root + " (export needs git and a clone)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("export: interrupted", e);
        }
        return Arrays.stream(new String(out, StandardCharsets.UTF_8).split("\0")).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /**
     * Rewrites, in the copy's README.md and docs/, each fence marked {@code <!-- code: FILE#REGION -->} whose
     * region stripping changed (one that holds an exercise) from the copy's sources. Other fences stay as
     * they are.
     */
    static void refreshCopiedFences(Path original, Path root) throws IOException {
        List<Path> docs = new ArrayList<>();
        if (Files.isRegularFile(root.resolve("README.md"))) docs.add(root.resolve("README.md"));
        if (Files.isDirectory(root.resolve("docs"))) {
            try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
                s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
            }
        }
        Map<String, Map<String, List<String>>> regionsByFile = new HashMap<>();
        Map<String, Map<String, List<String>>> originalByFile = new HashMap<>();
        for (Path doc : docs) {
            List<String> lines = new ArrayList<>(Arrays.asList(Catalog.read(doc).split("\n", -1)));
            boolean changed = false;
            for (int i = 0; i + 1 < lines.size(); i++) {
                Matcher m = CODE_MARKER.matcher(lines.get(i).trim());
                if (!m.matches() || !lines.get(i + 1).startsWith("```")) continue;
                int close = i + 2;
                while (close < lines.size() && !lines.get(close).startsWith("```")) close++;
                if (close == lines.size()) break;
                Path source = root.resolve(m.group(1)).normalize();
                if (!source.startsWith(root) || !Files.isRegularFile(source)) continue;
                List<String> region = regionsByFile.computeIfAbsent(m.group(1), f -> regions(Catalog.read(source))).get(m.group(2));
                Path before = original.resolve(m.group(1)).normalize();
                List<String> was = Files.isRegularFile(before)
                        ? originalByFile.computeIfAbsent(m.group(1), f -> regions(Catalog.read(before))).get(m.group(2)) : null;
                if (region == null || region.equals(was) || region.equals(lines.subList(i + 2, close))) continue;
                List<String> body = lines.subList(i + 2, close);
                body.clear();
                body.addAll(region);
                changed = true;
            }
            if (changed) Workspace.write(doc, String.join("\n", lines));
        }
    }

    /**
     * Every region of a source text by name, as the docs copy it: the lines inside, less the marker lines
     * of the regions nested in it, with trailing blanks and blank end lines dropped and the common
     * indentation removed.
     */
    static Map<String, List<String>> regions(String text) {
        String[] source = text.split("\n", -1);
        Map<String, List<String>> out = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < source.length; i++) {
            Matcher start = Exercise.ANY_START.matcher(source[i]);
            if (start.matches()) {
                names.add(start.group(1));
                starts.add(i);
            } else if (Exercise.ANY_END.matcher(source[i]).matches() && !names.isEmpty()) {
                String name = names.remove(names.size() - 1);
                int from = starts.remove(starts.size() - 1) + 1;
                List<String> content = new ArrayList<>();
                for (int k = from; k < i; k++) {
                    if (!Exercise.ANY_START.matcher(source[k]).matches() && !Exercise.ANY_END.matcher(source[k]).matches()) {
                        content.add(source[k].stripTrailing());
                    }
                }
                while (!content.isEmpty() && content.get(0).isEmpty()) content.remove(0);
                while (!content.isEmpty() && content.get(content.size() - 1).isEmpty()) content.remove(content.size() - 1);
                int indent = Integer.MAX_VALUE;
                for (String line : content) {
                    if (!line.isEmpty()) indent = Math.min(indent, line.length() - line.stripLeading().length());
                }
                List<String> dedented = new ArrayList<>();
                for (String line : content) dedented.add(line.isEmpty() ? line : line.substring(indent));
                out.put(name, dedented);
            }
        }
        return out;
    }
}
