package ssgan.app.cli;

import picocli.CommandLine;

/** Lets tests outside this package check a parsed {@code train} command line as the command would, without training. */
public final class TrainCommandAccess {
    private TrainCommandAccess() {}

    public static void validate(CommandLine.ParseResult train) {
        ((TrainCommand) train.commandSpec().userObject()).config();
    }
}
