package ssgan.app.report;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import ssgan.app.train.SsganStep;

/**
 * What a run shows while it trains: a live progress bar on a terminal (iteration, ETA, losses, last test
 * accuracy), or, when the output goes to a file, a plain status line every half minute. Evaluation lines
 * are printed in both cases.
 */
public final class Progress {
    private static final long QUIET_INTERVAL_NANOS = 30_000_000_000L;

    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private long total;
    private long lastLine;

    public Progress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** A progress display for the console when there is one, plain lines otherwise. */
    public static Progress forConsole() {
        return new Progress(System.out, System.console() != null);
    }

    public void start(long totalIterations, long startAt) {
        total = totalIterations;
        lastLine = System.nanoTime();
        if (interactive) {
            bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalIterations)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().build();
            bar.stepTo(startAt);
        }
    }

    public void step(long iteration, int epoch, SsganStep.Losses losses, double lastAccuracy) {
        String status = String.format(Locale.ROOT, "ep %d sup %.3f unsup %.3f gen %.3f acc %s", epoch, losses.supervised(),
                losses.unsupervised(), losses.generator(), Double.isNaN(lastAccuracy) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * lastAccuracy));
        if (bar != null) {
            bar.stepTo(iteration);
            bar.setExtraMessage(status);
        } else if (System.nanoTime() - lastLine > QUIET_INTERVAL_NANOS) {
            lastLine = System.nanoTime();
            out.printf(Locale.ROOT, "  ... iter %d/%d %s%n", iteration, total, status);
            out.flush();
        }
    }

    /** A line that stays (above the bar on a terminal). */
    public void log(String line) {
        if (bar != null) {
            // Clear the bar's line, print, and let the bar redraw below.
            out.print("\r\033[K");
            out.println(line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
