package dev.mdlbridge.windows.service;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command and collects its output (stdout and stderr together), with a one-minute limit. */
public final class ProcessCommandRunner implements CommandRunner {

    @Override
    public Outcome run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(-1, String.join(" ", command) + " did not finish in 60 s");
            }
            return new Outcome(p.exitValue(), new String(out, Charset.defaultCharset()));
        } catch (IOException e) {
            return new Outcome(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }
}
