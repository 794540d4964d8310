package dev.mdlbridge.simulator.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * The cache attribute the PFN database records per page (WINDOWS-MDL-RULES.md section 14.1): the page owns the type,
 * the MDL records none. RAM in use is {@link #CACHED} unless something recorded another type (a page allocation's
 * CacheType, or the first mapping of a page that had none); only the exceptions are stored. Device frames (no PFN
 * entry) have no record at all: a mapping of them takes the requested type as given.
 *
 * <p>Guarded by the kernel's lock.
 */
final class PageCacheTypes {

    /** MEMORY_CACHING_TYPE values (MmNonCached, MmCached, MmWriteCombined) and "not mapped yet". */
    static final int NON_CACHED = 0;
    static final int CACHED = 1;
    static final int WRITE_COMBINED = 2;
    static final int NONE = -1;

    private final Map<Long, Integer> exceptions = new HashMap<>();

    /** The page's recorded type; {@link #CACHED} for RAM nobody typed otherwise. */
    int get(long frame) {
        // the common machine types no page at all: skip the boxed lookup on the per-page paths
        return exceptions.isEmpty() ? CACHED : exceptions.getOrDefault(frame, CACHED);
    }

    /** Records a type (a page allocation's CacheType; {@link #NONE} for a type above MmWriteCombined). */
    void set(long frame, int type) {
        if (type == CACHED) {
            exceptions.remove(frame);
        } else {
            exceptions.put(frame, type < NON_CACHED || type > WRITE_COMBINED ? NONE : type);
        }
    }

    /** A freed frame goes back to the free lists as ordinary cached RAM. */
    void forget(long frame) {
        if (!exceptions.isEmpty()) {
            exceptions.remove(frame);
        }
    }

    /**
     * The type a new mapping of the frame gets: the page's own type when it has one and the profile overrides
     * (section 14.1); otherwise the request's, which an untyped page then keeps for every later mapping.
     */
    int effective(long frame, int requested, boolean pfnEntry, boolean override) {
        if (!pfnEntry) {
            return requested;   // device memory: no record, no override
        }
        int page = get(frame);
        if (page == NONE) {
            set(frame, requested);
            return requested;
        }
        return override ? page : requested;
    }
}
