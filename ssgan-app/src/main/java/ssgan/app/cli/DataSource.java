package ssgan.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import ssgan.nn.data.Mnist;
import ssgan.nn.data.MnistLocator;

/** Finds and loads MNIST for a command, turning every failure into a message the user can act on. */
final class DataSource {
    private DataSource() {}

    static Mnist.Splits load(Path folder) {
        MnistLocator locator = MnistLocator.defaults().withLog(line -> System.out.println("data: " + line));
        if (folder != null) locator = locator.withFolder(folder);
        try {
            Path found = locator.locate();
            return Mnist.load(found);
        } catch (IOException | RuntimeException e) {
            throw new UserException(e.getMessage(), e);
        }
    }
}
