package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import java.util.Map;

/**
 * The administrator limits in force (CONTRACT section 4), the twin of what the C driver reads from its
 * {@code Parameters} key in DriverEntry: every configured value clamped to its {@code LIMIT_RANGES} entry, then the
 * RAM rule (when the driver-wide locked, page-allocation and kernel-buffer limits in force, defaults included,
 * together exceed half the machine's RAM, the configured ones among them are lowered in that order, never below
 * their minimum; a default is never lowered; RAM 0 = unknown: no rule), and Info's
 * ConfiguredLimits / ClampedLimits masks (bit {@code 1 << LIMIT_NAME_*}).
 */
public final class AdminLimits {

    /** The defaults, by name index: what is in force when nothing is configured. */
    private static final long[] DEFAULTS = {
        LIMIT_HANDLE_OBJECTS, LIMIT_HANDLE_LOCKED_BYTES, LIMIT_HANDLE_KERNEL_BUFFER_BYTES,
        LIMIT_HANDLE_PAGE_ALLOC_BYTES, LIMIT_HANDLE_MDL_POOL_BYTES, LIMIT_HANDLE_SYSTEM_MAPPING_BYTES,
        LIMIT_DRIVER_OBJECTS, LIMIT_DRIVER_LOCKED_BYTES, LIMIT_DRIVER_KERNEL_BUFFER_BYTES,
        LIMIT_DRIVER_PAGE_ALLOC_BYTES, LIMIT_DRIVER_MDL_POOL_BYTES, LIMIT_DRIVER_SYSTEM_MAPPING_BYTES,
        LIMIT_DRIVER_HANDLES};

    /** The driver-wide limits the RAM rule lowers, in the order it lowers them. */
    private static final int[] RAM_SHARE = {LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES,
        LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES, LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES};

    /** Nothing configured: the defaults of mdlbridge.h. */
    public static final AdminLimits DEFAULT = new AdminLimits(Map.of(), Long.MAX_VALUE);

    private final long[] values = DEFAULTS.clone();
    private final int configured;
    private final int clamped;

    /**
     * @param configured values by {@link dev.mdlbridge.protocol.Protocol#LIMIT_NAMES} name (unsigned 64-bit, as a
     *                   REG_QWORD); a name not in that list is an error
     * @param ramBytes   the machine's RAM in bytes (unsigned), for the RAM rule; 0: unknown, no RAM rule
     */
    public AdminLimits(Map<String, Long> configured, long ramBytes) {
        int conf = 0;
        int clamp = 0;
        for (Map.Entry<String, Long> e : configured.entrySet()) {
            int i = LIMIT_NAMES.indexOf(e.getKey());
            if (i < 0) {
                throw new IllegalArgumentException("there is no limit '" + e.getKey() + "'; the limits are "
                        + String.join(", ", LIMIT_NAMES));
            }
            long v = e.getValue();
            long min = LIMIT_RANGES[i][0];
            long max = LIMIT_RANGES[i][1];
            long inForce = Long.compareUnsigned(v, min) < 0 ? min : Long.compareUnsigned(v, max) > 0 ? max : v;
            if (inForce != v) {
                clamp |= 1 << i;
            }
            values[i] = inForce;
            conf |= 1 << i;
        }
        this.configured = conf;
        this.clamped = clamp | ramRule(conf, ramBytes);
    }

    /**
     * The RAM rule (CONTRACT section 4, as the C driver's mdlb_limits_configure): the three driver-wide RAM-share
     * limits IN FORCE, defaults included, are summed; while the sum exceeds {@code ramBytes / 2}, only the
     * configured ones are lowered, in {@link #RAM_SHARE} order, never below their minimum. A default is never
     * lowered, but it counts: a configured limit makes room for the defaults beside it. {@code ramBytes} 0 means
     * the RAM is unknown and the rule is skipped. Returns the bits of the limits it lowered.
     */
    private int ramRule(int conf, long ramBytes) {
        if (ramBytes == 0) {
            return 0;
        }
        long share = Long.divideUnsigned(ramBytes, 2);
        long total = 0;
        for (int i : RAM_SHARE) {
            total += values[i]; // each at most 256 GiB (LIMIT_RANGES): the sum cannot wrap
        }
        int lowered = 0;
        for (int i : RAM_SHARE) {
            if (Long.compareUnsigned(total, share) <= 0) {
                break;
            }
            long floor = LIMIT_RANGES[i][0];
            if ((conf & (1 << i)) == 0 || Long.compareUnsigned(values[i], floor) <= 0) {
                continue;
            }
            long cut = Long.compareUnsigned(total - share, values[i] - floor) > 0 ? values[i] - floor : total - share;
            values[i] -= cut;
            total -= cut;
            lowered |= 1 << i;
        }
        return lowered;
    }

    /** The value in force of limit {@code index} ({@code LIMIT_NAME_*}). */
    public long value(int index) {
        return values[index];
    }

    Limits handle() {
        return new Limits(values[LIMIT_NAME_MAX_OBJECTS], values[LIMIT_NAME_MAX_LOCKED_BYTES],
                values[LIMIT_NAME_MAX_KERNEL_BUFFER_BYTES], values[LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES],
                values[LIMIT_NAME_MAX_MDL_POOL_BYTES], values[LIMIT_NAME_MAX_SYSTEM_MAPPING_BYTES]);
    }

    Limits driver() {
        return new Limits(values[LIMIT_NAME_DRIVER_MAX_OBJECTS], values[LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES],
                values[LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES], values[LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES],
                values[LIMIT_NAME_DRIVER_MAX_MDL_POOL_BYTES], values[LIMIT_NAME_DRIVER_MAX_SYSTEM_MAPPING_BYTES]);
    }

    int maxHandles() {
        return (int) values[LIMIT_NAME_DRIVER_MAX_HANDLES];
    }

    /** ConfiguredLimits: bit {@code 1 << index} for every limit an administrator set. */
    public int configuredMask() {
        return configured;
    }

    /** ClampedLimits: bit {@code 1 << index} for every configured limit out of range or lowered by the RAM rule. */
    public int clampedMask() {
        return clamped;
    }
}
