package dev.mdlbridge.windows.service;

import java.util.List;

/** Runs a system tool (certutil) and returns its exit code and output; a fake records the commands in tests. */
public interface CommandRunner {

    record Outcome(int exitCode, String output) {
    }

    Outcome run(List<String> command);
}
