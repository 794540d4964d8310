package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * The administrator limits in force, by name ({@link MdlBridge#limits()}): a typed view of {@code Info}'s limits
 * and its {@code ConfiguredLimits}/{@code ClampedLimits} bits.
 *
 * <pre>{@code
 * AdministratorLimits limits = bridge.limits();
 * long pages = limits.get("maxPageAllocationBytes").value();
 * List<AdministratorLimit> set = limits.configured();        // what an administrator changed
 * }</pre>
 *
 * @param all every limit, in {@code Protocol.LIMIT_NAMES} order
 */
public record AdministratorLimits(List<AdministratorLimit> all) {

    /**
     * The limits; the list is copied.
     *
     * @param all every limit, in index order
     */
    public AdministratorLimits {
        all = List.copyOf(all);
    }

    /**
     * The limits an {@code Info} reports.
     *
     * @param info the driver's Info
     * @return every limit with its value in force and its configured and clamped bits
     */
    public static AdministratorLimits of(Info info) {
        List<AdministratorLimit> all = new ArrayList<>();
        for (int i = 0; i < Protocol.LIMIT_NAME_COUNT; i++) {
            all.add(new AdministratorLimit(Protocol.LIMIT_NAMES.get(i), i, info.limit(i),
                    (info.configuredLimits() & (1 << i)) != 0, (info.clampedLimits() & (1 << i)) != 0,
                    Protocol.LIMIT_RANGES[i][0], Protocol.LIMIT_RANGES[i][1]));
        }
        return new AdministratorLimits(all);
    }

    /**
     * One limit by name.
     *
     * @param name one of {@code Protocol.LIMIT_NAMES}
     * @return the limit
     * @throws IllegalArgumentException for another name, listing the names
     */
    public AdministratorLimit get(String name) {
        return all.get(LimitSetting.indexOf(name));
    }

    /**
     * The limits an administrator set.
     *
     * @return those with {@link AdministratorLimit#configured()}, in index order
     */
    public List<AdministratorLimit> configured() {
        return all.stream().filter(AdministratorLimit::configured).toList();
    }

    /**
     * The limits whose configured value was clamped.
     *
     * @return those with {@link AdministratorLimit#clamped()}, in index order
     */
    public List<AdministratorLimit> clamped() {
        return all.stream().filter(AdministratorLimit::clamped).toList();
    }
}
