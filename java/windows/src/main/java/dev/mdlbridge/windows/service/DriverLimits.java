package dev.mdlbridge.windows.service;

import dev.mdlbridge.api.LimitSetting;
import dev.mdlbridge.protocol.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mdl driver install --limit} and {@code mdl driver limits}: the administrator limits in the driver's
 * {@code Parameters} key (CONTRACT.md section 4). The driver reads them once, when it loads, so every change says
 * that it takes effect at the next load. Above {@link ServiceParameters}, so a fake tests every decision.
 */
public final class DriverLimits {

    private final ServiceParameters parameters;

    /**
     * @param parameters the service's Parameters key
     */
    public DriverLimits(ServiceParameters parameters) {
        this.parameters = parameters;
    }

    /**
     * Checks every setting, then writes each as a {@code REG_QWORD}: nothing is written when one is out of range.
     *
     * @param settings the limits to set (names from {@code Protocol.LIMIT_NAMES})
     * @param running  whether the driver is loaded now (it must then be restarted)
     * @return what was done, a line each, and when it takes effect
     * @throws IllegalArgumentException naming the first setting out of its range
     */
    public List<String> configure(List<LimitSetting> settings, boolean running) {
        settings.forEach(LimitSetting::checkRange);
        List<String> done = new ArrayList<>();
        for (LimitSetting s : settings) {
            parameters.writeQword(s.name(), s.value());
            done.add("set " + s.name() + " = " + text(s.index(), s.value()) + " (REG_QWORD in "
                    + parameters.location() + ")");
        }
        done.add(whenItApplies(running));
        return done;
    }

    /**
     * The limits configured in the key, with what the driver makes of each.
     *
     * @return a line per value, or one line saying none is set
     */
    public List<String> show() {
        Map<String, Long> values = parameters.read();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < Protocol.LIMIT_NAME_COUNT; i++) {
            String name = Protocol.LIMIT_NAMES.get(i);
            Long v = values.get(name);
            if (v != null) {
                LimitSetting s = new LimitSetting(name, i, v);
                lines.add(name + " = " + text(i, v) + (s.inRange() ? "" : "  (outside " + LimitSetting.rangeText(i)
                        + ": the driver clamps it)"));
            }
        }
        values.keySet().stream().filter(n -> !Protocol.LIMIT_NAMES.contains(n)).sorted().forEach(n -> lines.add(n
                + " = " + values.get(n) + "  (not a limit name: the driver ignores it; `mdl driver limits --clear "
                + n + "` removes it)"));
        if (lines.isEmpty()) {
            return List.of("no limit is configured in " + parameters.location() + ": the driver uses its defaults "
                    + "(`mdl info` shows the values in force)");
        }
        lines.add(0, "configured in " + parameters.location() + " (`mdl info` shows the values in force):");
        return lines;
    }

    /**
     * Removes configured values.
     *
     * @param names   the values to remove (limit names, or any name {@link #show()} listed); empty: every limit
     * @param running whether the driver is loaded now
     * @return what was removed, and when it takes effect
     */
    public List<String> clear(List<String> names, boolean running) {
        List<String> targets = names.isEmpty() ? Protocol.LIMIT_NAMES : names;
        List<String> done = new ArrayList<>();
        for (String n : targets) {
            if (parameters.delete(n)) {
                done.add("removed " + n + " from " + parameters.location());
            } else if (!names.isEmpty()) {
                done.add(n + " was not set");
            }
        }
        if (done.isEmpty()) {
            return List.of("no limit was configured: nothing to clear");
        }
        done.add(whenItApplies(running));
        return done;
    }

    private static String text(int index, long v) {
        return LimitSetting.isCount(index) ? Long.toString(v) : v + " (" + LimitSetting.sizeText(v) + ")";
    }

    private static String whenItApplies(boolean running) {
        return running ? "the driver reads its limits only when it loads: restart it (`mdl driver stop`, then `mdl "
                + "driver start`) for this to take effect" : "the driver reads its limits when it loads: this takes "
                + "effect at its next start (`mdl driver start`)";
    }
}
