package ssgan.app.cli;

import picocli.CommandLine;
import ssgan.app.train.Architecture;

/** Accepts {@code mlp} or {@code dcgan} in any case. */
final class ArchitectureConverter implements CommandLine.ITypeConverter<Architecture> {
    @Override
    public Architecture convert(String value) {
        try {
            return Architecture.valueOf(value.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("unknown architecture '" + value + "'; choose mlp or dcgan");
        }
    }
}
