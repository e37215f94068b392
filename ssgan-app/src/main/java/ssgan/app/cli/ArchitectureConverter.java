package ssgan.app.cli;

import picocli.CommandLine;
import ssgan.app.train.Architecture;

/** Accepts {@code mlp}, {@code dcgan} or {@code cnn} in any case. */
final class ArchitectureConverter implements CommandLine.ITypeConverter<Architecture> {
    @Override
    public Architecture convert(String value) {
        try {
            return Architecture.valueOf(value.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("unknown architecture '" + value + "'; choose mlp, dcgan or cnn");
        }
    }
}
