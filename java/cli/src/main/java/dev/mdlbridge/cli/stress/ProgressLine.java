package dev.mdlbridge.cli.stress;

import java.io.PrintStream;
import java.util.concurrent.atomic.LongAdder;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return; only for an interactive terminal
 * (the caller decides). Never writes to stdout.
 */
final class ProgressLine implements AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final long startNanos;
    private final long durationNanos;
    private final LongAdder operations;
    private final Thread painter;
    private volatile boolean done;

    ProgressLine(PrintStream err, long durationNanos, LongAdder operations) {
        this.err = err;
        this.startNanos = System.nanoTime();
        this.durationNanos = durationNanos;
        this.operations = operations;
        this.painter = new Thread(this::paintLoop, "mdl-stress-progress");
        this.painter.setDaemon(true);
        this.painter.start();
    }

    private void paintLoop() {
        while (!done) {
            paint();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void paint() {
        long elapsed = System.nanoTime() - startNanos;
        double f = Math.min(1.0, (double) elapsed / durationNanos);
        int filled = (int) Math.round(f * WIDTH);
        long ops = operations.sum();
        double rate = elapsed > 0 ? ops * 1e9 / elapsed : 0;
        err.print(String.format("\rstress [%s%s] %3d%%  %,d ops  %,.0f ops/s ", "#".repeat(filled),
                " ".repeat(WIDTH - filled), (int) (f * 100), ops, rate));
        err.flush();
    }

    @Override
    public void close() {
        done = true;
        painter.interrupt();
        try {
            painter.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paint();
        err.println();
    }
}
