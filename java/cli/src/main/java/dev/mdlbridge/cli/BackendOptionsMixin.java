package dev.mdlbridge.cli;

import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.spi.BackendOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import dev.mdlbridge.scenario.ScenarioParser;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** --backend and --profile, shared by every command that opens a bridge. */
public final class BackendOptionsMixin {

    @Option(names = "--backend", paramLabel = "auto|driver|simulator|replay:FILE",
            description = "Which backend to use (default: the mdlbridge.backend property, the MDLBRIDGE_BACKEND "
                    + "variable, else auto: the driver on Windows when it opens, else the simulator).")
    String backend;

    /** The command this mixin is part of, for usage errors. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    String profile;

    @Option(names = "--profile", paramLabel = "win10-x64|win7-x64|nt52-x64",
            description = "Simulator version profile (default win10-x64); recorded only on the driver.")
    void profile(String p) {
        if (!ScenarioParser.PROFILES.contains(p)) {
            throw new ParameterException(mixee.commandLine(), "--profile " + p + " is not known: use one of "
                    + String.join(", ", ScenarioParser.PROFILES));
        }
        profile = p;
    }

    @Option(names = "--seed", paramLabel = "N", description = "Simulator seed: fixes which physical pages are used.")
    Long seed;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Record every call below the seam (IOCTLs with their bytes, user-memory calls) to FILE, "
                    + "replaced if it exists; replay it with --backend replay:FILE.")
    Path record;

    /** The recording has been started over for this command (it then collects every backend the command opens). */
    private boolean recordingStarted;

    public String policy() {
        return backend != null ? backend : BackendSelector.configuredPolicy();
    }

    /** Options for the backend; a profile is a simulator setting only. */
    public BackendOptions options(String policy) {
        Map<String, String> m = new HashMap<>();
        boolean simulated = !policy.equals("driver") && !policy.startsWith("replay:");
        if (profile != null && simulated) {
            m.put("profile", profile);
        }
        if (seed != null && simulated) {
            m.put("seed", Long.toString(seed));
        }
        if (record != null) {
            if (!recordingStarted) {
                try {
                    Files.deleteIfExists(record);
                } catch (IOException e) {
                    throw new UncheckedIOException("--record " + record + ": cannot replace it", e);
                }
                recordingStarted = true;
            }
            m.put("record", record.toString());
        }
        return new BackendOptions(m);
    }

    public String profileOr(String fallback) {
        return profile != null ? profile : fallback;
    }
}
