package dev.mdlbridge.windows.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command and collects its output (stdout and stderr together), with a time limit that holds.
 *
 * <p>Why a reader thread: reading the output to its end before waiting would block for as long as the tool keeps
 * its pipe open, so a hung certutil would hang the install and the limit would never apply. The output is read
 * concurrently, the wait is bounded, and a tool past the limit is killed (which also closes the pipe).
 * Why a charset: certutil and the other console tools write in the OEM code page ({@code GetOEMCP}, e.g. 850 on a
 * western European Windows), not in Java's default charset, so accented messages came out garbled.
 */
public final class ProcessCommandRunner implements CommandRunner {

    /** Starts the process; a test passes a fake that hangs. */
    interface Starter {
        Process start(List<String> command) throws IOException;
    }

    private final Starter starter;
    private final Duration timeout;
    private final Charset charset;

    /** certutil with a one-minute limit, decoded in the OEM code page of this Windows. */
    public ProcessCommandRunner() {
        this(command -> new ProcessBuilder(command).redirectErrorStream(true).start(), Duration.ofSeconds(60),
                OemCharset.current());
    }

    ProcessCommandRunner(Starter starter, Duration timeout, Charset charset) {
        this.starter = starter;
        this.timeout = timeout;
        this.charset = charset;
    }

    @Override
    public Outcome run(List<String> command) {
        Process p;
        try {
            p = starter.start(command);
        } catch (IOException e) {
            return new Outcome(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(p.getInputStream(), out), "output of " + command.get(0));
        reader.setDaemon(true); // a pipe that never closes must not keep the JVM alive
        reader.start();
        try {
            p.getOutputStream().close(); // nothing to say to it: a tool that asks must see end-of-input, not wait
        } catch (IOException ignored) {
            // the tool may have exited already
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(1000);
                String partial = text(out).strip();
                return new Outcome(-1, String.join(" ", command) + " did not finish in " + timeout.toSeconds()
                        + " s and was stopped" + (partial.isEmpty() ? "" : "; its output so far: " + partial));
            }
            reader.join(5000);
            return new Outcome(p.exitValue(), text(out));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }

    private String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(charset);
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the pipe closed under a killed process: what was read is kept
        }
    }
}
