package dev.mdlbridge.api;

/**
 * One administrator limit as the driver reports it in {@code Info} (CONTRACT.md section 4).
 *
 * @param name       the name the driver's {@code Parameters} key and the simulator settings use
 *                   ({@code maxPageAllocationBytes})
 * @param index      its {@code Protocol.LIMIT_NAME_*} index, the bit of {@code ConfiguredLimits}/{@code ClampedLimits}
 * @param value      the value in force (bytes, objects or handles)
 * @param configured an administrator set it (otherwise it is the default)
 * @param clamped    the configured value was outside {@link #min()}..{@link #max()}, or lowered by the RAM rule;
 *                   {@link #value()} is what was kept
 * @param min        the lowest value the driver accepts ({@code MDLB_LIMIT_RANGES})
 * @param max        the highest value the driver accepts
 */
public record AdministratorLimit(String name, int index, long value, boolean configured, boolean clamped, long min,
                                 long max) {

    /**
     * The limit in one line, as {@code mdl info} prints it.
     *
     * @return {@code "maxPageAllocationBytes 67108864 (64 MiB)"}, with {@code configured} and {@code clamped} marks
     */
    @Override
    public String toString() {
        return name + " " + value + (LimitSetting.isCount(index) ? "" : " (" + LimitSetting.sizeText(value) + ")")
                + (configured ? " configured" : "") + (clamped ? " clamped" : "");
    }
}
