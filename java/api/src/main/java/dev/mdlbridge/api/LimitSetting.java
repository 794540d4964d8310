package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Protocol;

/**
 * One administrator limit to set, {@code NAME=VALUE}, as {@code mdl driver install --limit}, the JUnit extension's
 * {@code limits} attribute and the simulator settings take it. The value is a number of objects or handles, or a
 * size in bytes with an optional binary suffix ({@code 2G} = 2 GiB; K, M, G, T; or {@code 0x} hex).
 *
 * <pre>{@code
 * LimitSetting s = LimitSetting.parse("maxPageAllocationBytes=2G").checkRange();   // 2147483648
 * }</pre>
 *
 * @param name  one of {@code Protocol.LIMIT_NAMES}
 * @param index its {@code Protocol.LIMIT_NAME_*} index
 * @param value the value
 */
public record LimitSetting(String name, int index, long value) {

    /**
     * Parses {@code NAME=VALUE}; the name must be one of the limits, the value a non-negative number or size. The
     * range is not checked here (the simulator clamps, as the driver does): {@link #checkRange()} checks it.
     *
     * @param text {@code maxPageAllocationBytes=2G}
     * @return the setting
     * @throws IllegalArgumentException naming what is wrong and what is accepted
     */
    public static LimitSetting parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("'" + text + "' is not NAME=VALUE (for example maxPageAllocationBytes=2G)");
        }
        String name = text.substring(0, eq).trim();
        int index = indexOf(name);
        return new LimitSetting(name, index, parseValue(name, text.substring(eq + 1)));
    }

    /**
     * The index of a limit's name.
     *
     * @param name one of {@code Protocol.LIMIT_NAMES}, spelt exactly (the registry value names are those)
     * @return its {@code Protocol.LIMIT_NAME_*} index
     * @throws IllegalArgumentException for another name: the message lists the names, and offers the right
     *         spelling when only the case differs
     */
    public static int indexOf(String name) {
        int i = Protocol.LIMIT_NAMES.indexOf(name);
        if (i >= 0) {
            return i;
        }
        for (String known : Protocol.LIMIT_NAMES) {
            if (known.equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("there is no limit '" + name + "': did you mean '" + known + "'?");
            }
        }
        throw new IllegalArgumentException("there is no limit '" + name + "'; the limits are "
                + String.join(", ", Protocol.LIMIT_NAMES));
    }

    /**
     * A limit's value: digits, {@code 0x} hex, or digits with a K, M, G or T suffix (binary: {@code 2G} is 2 GiB).
     *
     * @param name the limit, for the message
     * @param text the value
     * @return the value
     * @throws IllegalArgumentException when it is not such a number, is negative or overflows
     */
    public static long parseValue(String name, String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(name + ": no value given (a number, or a size such as 2G)");
        }
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                long n = Long.parseUnsignedLong(t.substring(2), 16);
                return n < 0 ? overflow(name, t) : n;
            }
            int shift = switch (Character.toUpperCase(t.charAt(t.length() - 1))) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
            long n = Long.parseLong(digits);
            if (n < 0) {
                throw new IllegalArgumentException(name + "=" + t + ": a limit is never negative");
            }
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                return overflow(name, t);
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + t + " is not a number: give bytes, objects or handles as "
                    + "digits, 0x hex, or a size with K, M, G or T (binary units: 2G = 2147483648)");
        }
    }

    private static long overflow(String name, String t) {
        throw new IllegalArgumentException(name + "=" + t + " is too large for a 64-bit value");
    }

    /**
     * The lowest value the driver keeps for this limit.
     *
     * @return {@code MDLB_LIMIT_RANGES[index][0]}
     */
    public long min() {
        return Protocol.LIMIT_RANGES[index][0];
    }

    /**
     * The highest value the driver keeps for this limit.
     *
     * @return {@code MDLB_LIMIT_RANGES[index][1]}
     */
    public long max() {
        return Protocol.LIMIT_RANGES[index][1];
    }

    /**
     * Whether the value lies in the limit's range (the driver would keep it unchanged, RAM rule aside).
     *
     * @return true when {@code min() <= value <= max()}
     */
    public boolean inRange() {
        return value >= min() && value <= max();
    }

    /**
     * This setting, when its value is in range.
     *
     * @return this
     * @throws IllegalArgumentException naming the limit, its range and what the driver would do with the value
     */
    public LimitSetting checkRange() {
        if (!inRange()) {
            long kept = value < min() ? min() : max();
            throw new IllegalArgumentException(name + "=" + text(value) + " is outside its range " + rangeText(index)
                    + ": give a value in that range (the driver would clamp it to " + text(kept) + ")");
        }
        return this;
    }

    private String text(long v) {
        return isCount(index) ? Long.toString(v) : v + " (" + sizeText(v) + ")";
    }

    /**
     * A limit's range in words.
     *
     * @param index a {@code Protocol.LIMIT_NAME_*} index
     * @return {@code "64 KiB..64 GiB"} for sizes, {@code "16..65536"} for counts
     */
    public static String rangeText(int index) {
        long[] r = Protocol.LIMIT_RANGES[index];
        return isCount(index) ? r[0] + ".." + r[1] : sizeText(r[0]) + ".." + sizeText(r[1]);
    }

    /**
     * Whether a limit counts objects or handles rather than bytes.
     *
     * @param index a {@code Protocol.LIMIT_NAME_*} index
     * @return true for {@code maxObjects}, {@code driverMaxObjects} and {@code driverMaxHandles}
     */
    public static boolean isCount(int index) {
        return index == Protocol.LIMIT_NAME_MAX_OBJECTS || index == Protocol.LIMIT_NAME_DRIVER_MAX_OBJECTS
                || index == Protocol.LIMIT_NAME_DRIVER_MAX_HANDLES;
    }

    /**
     * Bytes in the largest binary unit that divides them.
     *
     * @param bytes a size
     * @return {@code "64 GiB"}, {@code "1536 KiB"}, {@code "100 bytes"}
     */
    public static String sizeText(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes >> shifts[i]) + " " + units[i];
            }
        }
        return bytes + " bytes";
    }

    /**
     * The setting as {@code NAME=VALUE}, with the value in bytes.
     *
     * @return {@code maxPageAllocationBytes=2147483648}
     */
    @Override
    public String toString() {
        return name + "=" + value;
    }
}
