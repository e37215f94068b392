package ssgan.examples;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.List;

/**
 * Lists the lessons and runs them by number:
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar examples/target/examples.jar          # the list
 *   java --add-modules jdk.incubator.vector -jar examples/target/examples.jar 6 512    # lesson 6, its own arguments after the number
 *   java --add-modules jdk.incubator.vector -jar examples/target/examples.jar all      # all of them, in order
 * </pre>
 * Lessons are started by class name, not referenced directly: lessons 5 and 6 use the Vector API in
 * their own code, and without the incubator module their classes cannot even be loaded. The launcher
 * checks first and says what to do instead of failing with a NoClassDefFoundError.
 */
public final class Lessons {
    private Lessons() {}

    /** One lesson: its number, what it teaches, its class, and whether its own code uses the Vector API. */
    public record Lesson(int number, String title, String className, boolean usesVectorApi, String arguments) {}

    public static final List<Lesson> ALL = List.of(
            new Lesson(1, "the environment: JDK, Vector API, lanes, cores, engine threads", "Lesson01Environment", false, ""),
            new Lesson(2, "tensors: shape, row-major indexing, reshape shares storage", "Lesson02Tensors", false, ""),
            new Lesson(3, "autograd on a small expression, its graph, gradients by hand", "Lesson03Autograd", false, ""),
            new Lesson(4, "a finite-difference gradient check, and how to choose h", "Lesson04GradientCheck", false, ""),
            new Lesson(5, "a first Vector API loop, a·x + y and a dot product, vs its scalar twin", "Lesson05FirstVectorLoop", true, "[n]"),
            new Lesson(6, "a GEMM ladder, from the triple loop to the engine's GEMM", "Lesson06GemmLadder", true, "[size]"),
            new Lesson(7, "im2col: a convolution as a matrix product, with the index map printed", "Lesson07Im2Col", false, ""),
            new Lesson(8, "the transposed convolution as the adjoint of the convolution", "Lesson08TransposedConvolution", false, ""),
            new Lesson(9, "batch norm's backward pass by hand against the engine", "Lesson09BatchNormBackward", false, ""),
            new Lesson(10, "Adam step by step, with bias correction, against ssgan.nn.optim.Adam", "Lesson10AdamStep", false, ""),
            new Lesson(11, "a tiny semi-supervised GAN with the real models and training step", "Lesson11TinySsgan", false, "[out-dir] [iterations]"));

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("list") || args[0].equals("--help") || args[0].equals("-h")) {
            printList();
            return;
        }
        if (args[0].equals("all")) {
            for (Lesson lesson : ALL) {
                if (!run(lesson, new String[0])) System.exit(2);
                System.out.println();
            }
            return;
        }
        int number;
        try {
            number = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            number = -1;
        }
        final int wanted = number;
        Lesson lesson = ALL.stream().filter(l -> l.number() == wanted).findFirst().orElse(null);
        if (lesson == null) {
            System.err.println("no lesson '" + args[0] + "': give a number from 1 to " + ALL.size() + ", 'all' or 'list'");
            System.exit(2);
        }
        if (!run(lesson, Arrays.copyOfRange(args, 1, args.length))) System.exit(2);
    }

    private static void printList() {
        System.out.println("Lessons (run one: java --add-modules jdk.incubator.vector -jar examples.jar N [arguments]; or 'all'):");
        for (Lesson l : ALL) {
            System.out.printf("  %2d  %-70s %s%n", l.number(), l.title(), l.arguments());
        }
    }

    /** Runs one lesson's main; false (with a message) when it needs the Vector API and the JVM lacks it. */
    private static boolean run(Lesson lesson, String[] args) throws Exception {
        boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (lesson.usesVectorApi() && !vectorApi) {
            System.err.println("lesson " + lesson.number() + " uses the Vector API: run java with --add-modules jdk.incubator.vector");
            return false;
        }
        Class<?> type = Class.forName(Lessons.class.getPackageName() + "." + lesson.className());
        try {
            type.getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
        return true;
    }
}
