package ssgan.app.cli;

import picocli.CommandLine;
import ssgan.app.train.TrainConfig;

/** Lets tests outside this package check a parsed {@code train} command line as the command would, without training. */
public final class TrainCommandAccess {
    private TrainCommandAccess() {}

    public static void validate(CommandLine.ParseResult train) {
        ((TrainCommand) train.commandSpec().userObject()).config();
    }

    /** The settings {@code train} would run with for these arguments: its defaults for every option not given. */
    public static TrainConfig config(String... trainArguments) {
        CommandLine train = new CommandLine(new TrainCommand());
        train.setCaseInsensitiveEnumValuesAllowed(true);
        train.parseArgs(trainArguments);
        return ((TrainCommand) train.getCommand()).config();
    }
}
