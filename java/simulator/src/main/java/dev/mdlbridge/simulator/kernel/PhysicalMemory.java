package dev.mdlbridge.simulator.kernel;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Simulated RAM. Sparse: a frame costs a bit until it is used, its lock count lives in {@link LockCounts} (two bits
 * per frame, in chunks that exist only for touched regions), and its contents exist only after a non-zero write (a
 * demand-zero page costs a frame number, not 4 KiB). Frames are handed out seeded and fragmented, so PFN arrays
 * look like a real machine's: short runs, scattered, never VA >> 12.
 */
final class PhysicalMemory {

    static final int PAGE = 4096;
    /** Frames below this are never handed out (firmware, the kernel image), as on a real machine. */
    static final long FIRST_FRAME = 0x1000;

    private final long frames;
    private final double fragmentation;
    private final SplittableRandom random;
    private final BitSet used = new BitSet();
    /** Frames whose PTE is gone (decommit, release, process exit) but a lock still holds them. */
    private final BitSet orphaned = new BitSet();
    /** Frames of nonpaged pool that were never written: they read as leftover garbage. */
    private final BitSet garbage = new BitSet();
    /** Frames their owner (nonpaged pool, a page allocation) gave back while a lock still held them: whatever
     *  reaches one now touches memory that belongs to nobody (explorer invariant: no access to freed pool). */
    private final BitSet freedByOwner = new BitSet();
    /** Frames MmAllocatePagesForMdlEx handed out (the PFN entry's "MDL allocation" mark), until they are freed. */
    private final BitSet pageAllocation = new BitSet();
    private final LockCounts lockCounts;
    private final Map<Long, byte[]> contents = new HashMap<>();
    private long cursor = FIRST_FRAME;
    private long inUse;
    /** The cache attribute each page records (section 14.1). */
    final PageCacheTypes cacheTypes = new PageCacheTypes();
    /** Device frames (MMIO) some test mapped into a process: above RAM, no PFN-database entry (section 14.6). */
    private final java.util.Set<Long> deviceFrames = new java.util.HashSet<>();
    private long nextDeviceFrame = DEVICE_FIRST_FRAME;

    /** Where device frames start: physical 0xF0_0000_0000 (960 GiB), above any simulated RAM, like a PCI BAR. */
    static final long DEVICE_FIRST_FRAME = 0xF0_0000_0000L >>> 12;

    PhysicalMemory(long bytes, double fragmentation, long seed) {
        this.frames = bytes / PAGE;
        this.fragmentation = fragmentation;
        this.random = new SplittableRandom(seed);
        this.lockCounts = new LockCounts(frames);
    }

    long totalFrames() {
        return frames;
    }

    long framesInUse() {
        return inUse;
    }

    /** A free frame, or -1 when physical memory is exhausted. */
    long allocate() {
        long start = random.nextDouble() < fragmentation
                ? FIRST_FRAME + random.nextLong(frames - FIRST_FRAME) : cursor;
        long f = used.nextClearBit((int) start);
        if (f >= frames) {
            f = used.nextClearBit((int) FIRST_FRAME);
            if (f >= frames) {
                return -1;
            }
        }
        used.set((int) f);
        cursor = f + 1;
        inUse++;
        return f;
    }

    /** A device frame: no PFN entry, so no lock count and no cache-type record; it is never freed. */
    long allocateDeviceFrame() {
        long f = nextDeviceFrame++;
        deviceFrames.add(f);
        return f;
    }

    /** Whether the frame has a PFN-database entry (RAM); device frames do not. */
    boolean hasPfnEntry(long frame) {
        return !isDevice(frame);
    }

    /** Device frames all lie at or above DEVICE_FIRST_FRAME, so RAM frames never pay for a boxed set lookup: this
     *  runs per page on every probe and unlock (the 1 GiB lock benchmark went from 19x to 199x its floor without it). */
    boolean isDevice(long frame) {
        return frame >= DEVICE_FIRST_FRAME && deviceFrames.contains(frame);
    }

    // ------------------------------------------------------------ MmAllocatePagesForMdlEx's physical ranges

    /** The lowest frame a range may hand out (below it: firmware and the kernel image). */
    static long clipLow(long lowFrame) {
        return Math.max(lowFrame, FIRST_FRAME);
    }

    /** The highest frame of RAM, where a range's top is clipped. */
    long highestFrame() {
        return frames - 1;
    }

    /**
     * A free frame in {@code [lowFrame, highFrame]} (both inclusive, clipped to RAM), scattered as {@link #allocate}
     * scatters them; -1 when the range holds no free frame. The whole of RAM is exactly {@link #allocate}, so an
     * allocation without a range draws the same seeded frames as before ranges existed.
     */
    long allocateIn(long lowFrame, long highFrame) {
        long lo = clipLow(lowFrame);
        long hi = Math.min(highFrame, frames - 1);
        if (lo > hi) {
            return -1;
        }
        if (lo == FIRST_FRAME && hi == frames - 1) {
            return allocate();
        }
        long start = random.nextDouble() < fragmentation ? lo + random.nextLong(hi - lo + 1)
                : Math.max(lo, Math.min(cursor, hi));
        long f = used.nextClearBit((int) start);
        if (f > hi) {
            f = used.nextClearBit((int) lo);
            if (f > hi) {
                return -1;
            }
        }
        take(f);
        cursor = f + 1;
        return f;
    }

    /**
     * The lowest run of {@code count} free frames inside {@code [lowFrame, highFrame]} whose first frame is a
     * multiple of {@code alignment}, taken; -1 when there is none.
     */
    long allocateRun(long lowFrame, long highFrame, long count, long alignment) {
        long lo = clipLow(lowFrame);
        long hi = Math.min(highFrame, frames - 1);
        long first = (lo + alignment - 1) / alignment * alignment;
        while (first <= hi && first + count - 1 <= hi) {
            int taken = used.nextSetBit((int) first);
            if (taken < 0 || taken >= first + count) {
                for (long f = first; f < first + count; f++) {
                    take(f);
                }
                return first;
            }
            first = (taken + 1 + alignment - 1) / alignment * alignment;
        }
        return -1;
    }

    /** Marks a frame as MmAllocatePagesForMdlEx's: only such frames may go back through MmFreePagesFromMdl. */
    void markPageAllocation(long frame) {
        pageAllocation.set((int) frame);
    }

    boolean isPageAllocation(long frame) {
        return frame >= 0 && frame < frames && pageAllocation.get((int) frame);
    }

    private void take(long f) {
        used.set((int) f);
        inUse++;
    }

    boolean inUse(long frame) {
        return frame >= 0 && frame < frames && used.get((int) frame);
    }

    void free(long frame) {
        if (!inUse(frame)) {
            return;
        }
        used.clear((int) frame);
        orphaned.clear((int) frame);
        freedByOwner.clear((int) frame);
        garbage.clear((int) frame);
        pageAllocation.clear((int) frame);
        contents.remove(frame);
        cacheTypes.forget(frame);
        inUse--;
    }

    /** The PTE mapping this frame went away; it is freed now, or at its last unlock. */
    void release(long frame) {
        if (lockCount(frame) > 0) {
            orphaned.set((int) frame);
        } else {
            free(frame);
        }
    }

    /** As {@link #release}, for a frame its owner freed (pool, page allocation): if a lock keeps it, it is marked,
     *  so that an access through an old mapping or MDL is seen as the use-after-free it is. */
    void releaseByOwner(long frame) {
        if (lockCount(frame) > 0) {
            freedByOwner.set((int) frame);
        }
        release(frame);
    }

    /** Whether touching this frame touches freed memory: not in use, or freed by its owner but still locked. */
    boolean freed(long frame) {
        if (isDevice(frame)) {
            return false;   // device memory is always there
        }
        return !inUse(frame) || freedByOwner.get((int) frame);
    }

    /** Sum of the lock counts of every frame in use, and how many frames are locked (the census). */
    long[] lockTotals() {
        long sum = 0;
        long frames = 0;
        for (int f = used.nextSetBit(0); f >= 0; f = used.nextSetBit(f + 1)) {
            int c = lockCounts.get(f);
            if (c > 0) {
                sum += c;
                frames++;
            }
        }
        return new long[] {sum, frames};
    }

    /** The frame's lock count; 0 for a frame outside physical memory. A frame with a lock is always in use: it is
     *  freed only at count 0 (its PTE gone and its last lock dropped), so a count > 0 needs no separate check. */
    int lockCount(long frame) {
        return lockCounts.get(frame);
    }

    /** Adds one lock unless the frame already has {@code limit}; returns whether it did. */
    boolean tryLock(long frame, long limit) {
        return lockCounts.tryLock(frame, limit);
    }

    /** Drops one lock; false, changing nothing, when the frame had none (or is no frame). An orphaned frame is
     *  freed at its last unlock. */
    boolean unlock(long frame) {
        int now = lockCounts.unlock(frame);
        if (now == 0 && orphaned.get((int) frame)) {
            free(frame);
        }
        return now >= 0;
    }

    void markGarbage(long frame) {
        garbage.set((int) frame);
    }

    /** Copies a frame's bytes [offset, offset + length) into target. */
    void read(long frame, int offset, byte[] target, int at, int length) {
        byte[] c = contents.get(frame);
        if (c != null) {
            System.arraycopy(c, offset, target, at, length);
        } else {
            java.util.Arrays.fill(target, at, at + length, garbage.get((int) frame) ? (byte) 0xCC : 0);
        }
    }

    void write(long frame, int offset, byte[] source, int at, int length) {
        byte[] c = contents.get(frame);
        if (c == null) {
            if (!garbage.get((int) frame) && allZero(source, at, length)) {
                return;
            }
            c = new byte[PAGE];
            if (garbage.get((int) frame)) {
                java.util.Arrays.fill(c, (byte) 0xCC);
            }
            contents.put(frame, c);
        }
        System.arraycopy(source, at, c, offset, length);
        if (garbage.get((int) frame) && offset == 0 && length == PAGE) {
            garbage.clear((int) frame);
        }
    }

    /** Whole page contents for page-out (null = zero). */
    byte[] takeContents(long frame) {
        return contents.remove(frame);
    }

    void putContents(long frame, byte[] page) {
        if (page != null) {
            contents.put(frame, page);
        }
    }

    private static boolean allZero(byte[] b, int at, int length) {
        for (int i = at; i < at + length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
