package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.PAGE_SIZE;

import dev.mdlbridge.simulator.kernel.SimProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The user mappings the driver made, process-wide (CONTRACT section 2): a range that overlaps one made on ANY
 * handle of the process is refused for probes, chain ranges and DirectIo buffers. Readers hold {@link #lock} shared
 * from the check until the pages are locked; creating or removing a mapping holds it exclusive, so no probe can
 * race a new mapping. Lock order: a handle's lock, then this one. The twin of {@code mdlb_range_set} and
 * {@code g_ranges_lock} in driver/src.
 */
final class UserRanges {

    private record Range(SimProcess owner, long base, long size) {
    }

    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Range> ranges = new ArrayList<>();

    private static long base(long va) {
        return va & ~(long) (PAGE_SIZE - 1);
    }

    private static long size(long va, long len) {
        return ((va - base(va)) + len + PAGE_SIZE - 1) & ~(long) (PAGE_SIZE - 1);
    }

    /** Under the write lock: the whole pages of a user mapping at {@code va} of {@code len} bytes. */
    void add(SimProcess owner, long va, long len) {
        ranges.add(new Range(owner, base(va), size(va, len)));
    }

    /** Under the write lock: removes the entry added for the same owner, va and length. */
    void remove(SimProcess owner, long va, long len) {
        ranges.remove(new Range(owner, base(va), size(va, len)));
    }

    /** Under either lock: whether {@code [va, va+len)} overlaps a user mapping of {@code owner}. */
    boolean overlaps(SimProcess owner, long va, long len) {
        long end = va + (len != 0 ? len : 1);
        if (Long.compareUnsigned(end, va) < 0) {
            end = -1L;
        }
        for (Range r : ranges) {
            if (r.owner == owner && Long.compareUnsigned(va, r.base + r.size) < 0
                    && Long.compareUnsigned(end, r.base) > 0) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return ranges.size();
    }
}
