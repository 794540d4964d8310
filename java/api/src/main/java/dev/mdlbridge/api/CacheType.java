package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Protocol;

/**
 * {@code MEMORY_CACHING_TYPE}: how the pages are mapped. The contract allows only the three basic types, and a
 * mapping must use the type the pages were made with: {@code MmCached} for caller ranges and kernel buffers, the
 * request's type for a {@link PageAllocation} (anything else is {@code STATUS_INVALID_PARAMETER},
 * {@code PARAM_CACHE_TYPE}).
 */
public enum CacheType {
    /** {@code MmNonCached} (0): uncached, as device registers are mapped. */
    NON_CACHED(Protocol.MM_NON_CACHED, "MmNonCached"),
    /** {@code MmCached} (1): ordinary memory; the type of every caller range and kernel buffer. */
    CACHED(Protocol.MM_CACHED, "MmCached"),
    /** {@code MmWriteCombined} (2): uncached, with writes combined (frame buffers). */
    WRITE_COMBINED(Protocol.MM_WRITE_COMBINED, "MmWriteCombined");

    private final int value;
    private final String ddiName;

    CacheType(int value, String ddiName) {
        this.value = value;
        this.ddiName = ddiName;
    }

    /**
     * The {@code MEMORY_CACHING_TYPE} value.
     *
     * @return 0, 1 or 2
     */
    public int value() {
        return value;
    }

    /**
     * The name as the DDI documentation and the scenario language spell it.
     *
     * @return {@code MmNonCached}, {@code MmCached} or {@code MmWriteCombined}
     */
    public String ddiName() {
        return ddiName;
    }

    /**
     * The type of a {@code MEMORY_CACHING_TYPE} value.
     *
     * @param value 0, 1 or 2
     * @return the type
     * @throws IllegalArgumentException for any other value (the contract accepts no other type)
     */
    public static CacheType of(int value) {
        for (CacheType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        throw new IllegalArgumentException("cacheType " + value + " is not one the contract accepts: use 0 "
                + "(MmNonCached), 1 (MmCached) or 2 (MmWriteCombined)");
    }

    /**
     * The type by its DDI name.
     *
     * @param name {@code MmNonCached}, {@code MmCached} or {@code MmWriteCombined}
     * @return the type
     * @throws IllegalArgumentException for any other name
     */
    public static CacheType parse(String name) {
        for (CacheType t : values()) {
            if (t.ddiName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown cache type '" + name + "': use MmNonCached, MmCached or "
                + "MmWriteCombined");
    }
}
