package ssgan.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import ssgan.app.Main;

/** The top-level {@code ssgan} command: {@code train}, {@code evaluate}, {@code sample} and {@code report}. */
@Command(name = "ssgan",
        mixinStandardHelpOptions = true,
        versionProvider = SsganCommand.Version.class,
        description = "Semi-supervised GAN on MNIST (Salimans et al. 2016) on a pure-Java tensor engine.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, SampleCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class SsganCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * The configured command line: a user mistake prints what is wrong (with picocli's guess when an
     * option or command is misspelt) and where to find the options, never a stack trace; exit code 2.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SsganCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli's default prints the whole usage after the error, about 170 lines for train, which
        // scrolls the one line that matters out of sight.
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine wrong = ex.getCommandLine();
            PrintWriter err = wrong.getErr();
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + wrong.getCommandSpec().qualifiedName() + " --help' for every option.");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            commandLine.getErr().println("internal error: " + ex + "; " + writeTrace(ex));
            return 1;
        });
        return cl;
    }

    /** Writes the full stack trace of an unexpected error to a file and says where (a user sees one line). */
    static String writeTrace(Throwable ex) {
        try {
            Path file = Files.createTempFile("ssgan-error-", ".txt");
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            Files.writeString(file, "ssgan " + Main.version() + " (" + Main.commit() + "), Java "
                    + Runtime.version() + "\n" + trace);
            return "the full trace is in " + file + " (please attach it to a bug report)";
        } catch (IOException | RuntimeException e) {
            ex.printStackTrace();
            return "the full trace is above";
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ssgan " + Main.version(), "Java " + Runtime.version()};
        }
    }
}
