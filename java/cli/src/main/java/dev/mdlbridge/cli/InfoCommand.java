package dev.mdlbridge.cli;

import dev.mdlbridge.api.AdministratorLimit;
import dev.mdlbridge.api.LimitSetting;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.SimulatorOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mdl info}: what the driver (or the simulated one) says about itself, and every administrator limit with its
 * value in force, marking those an administrator configured and those that were clamped (CONTRACT.md section 4).
 */
@Command(name = "info", description = "The driver's versions, the machine, and every limit in force (configured "
        + "and clamped ones marked).")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptionsMixin backendOptions;

    @Option(names = "--limit", paramLabel = "NAME=VALUE", converter = LimitArgument.Parsed.class,
            description = "Simulator only: an administrator limit, as the driver would read it from its Parameters "
                    + "key (sizes like 2G); repeatable. On the driver use `mdl driver install --limit`.")
    List<LimitSetting> limits = new ArrayList<>();

    @Override
    public Integer call() {
        String policy = backendOptions.policy();
        BackendOptions options = backendOptions.options(policy);
        if (!limits.isEmpty()) {
            if (policy.equals("driver") || policy.startsWith("replay:")) {
                throw new ParameterException(spec.commandLine(), "--limit sets the simulated driver's limits; the "
                        + "real driver reads its limits at load: set them with `mdl driver install --limit NAME=VALUE`"
                        + " and restart it");
            }
            SimulatorOptions sim = SimulatorOptions.builder();
            limits.forEach(l -> sim.limit(l.name(), l.value()));
            options = sim.addTo(options);
        }
        try (MdlBridge bridge = MdlBridge.open(policy, options)) {
            PrintWriter out = spec.commandLine().getOut();
            lines(bridge).forEach(out::println);
            out.flush();
        }
        return 0;
    }

    /** The report, a line each; from a bridge so every line is testable on the simulator. */
    static List<String> lines(MdlBridge bridge) {
        Info i = bridge.driverInfo();
        List<String> lines = new ArrayList<>();
        lines.add("backend   " + bridge.selection().describe());
        lines.add("driver    " + Info.versionText(i.driverVersion()) + ", protocol " + i.protocolVersion());
        lines.add("windows   " + i.osMajor() + "." + i.osMinor() + " build " + i.osBuild() + ", " + i.archName() + ", "
                + i.pageSize() + "-byte pages");
        lines.add("handles   " + i.openHandles() + " open, at most " + i.maxHandles());
        lines.add("limits    the values in force; configured: set by an administrator; clamped: the configured value "
                + "was outside its range (or over the RAM share) and was lowered or raised to this");
        int width = dev.mdlbridge.protocol.Protocol.LIMIT_NAMES.stream().mapToInt(String::length).max().orElse(0);
        for (AdministratorLimit l : bridge.limits().all()) {
            String size = LimitSetting.isCount(l.index()) ? "" : "  (" + LimitSetting.sizeText(l.value()) + ")";
            String marks = (l.configured() ? "  configured" : "") + (l.clamped() ? "  clamped" : "");
            lines.add(String.format("  %-" + width + "s %13d%s%s", l.name(), l.value(), size, marks));
        }
        return lines;
    }
}
