package dev.mdlbridge.simulator.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * The lock (reference) count of every physical frame, laid out for the common case: a frame locked once. Two bits
 * per frame — "locked at least once" and "locked at least twice" — live in chunked bit arrays (1 MiB for the
 * default 16 GiB of RAM, so they stay in the CPU's cache while a 1 GiB buffer with scattered frames is locked);
 * the exact count of the few frames locked twice or more lives in a map. A plain int per frame is 16 MiB there, and
 * every lock and unlock of a scattered frame was a cache miss into it (the 1 GiB lock benchmark's main cost).
 */
final class LockCounts {

    /** Frames per chunk: 2^18 (1 GiB of RAM), 4096 longs (32 KiB) per bit array chunk. */
    private static final int CHUNK_SHIFT = 18;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

    private final long frames;
    private final long[][] once;
    private final long[][] many;
    private final Map<Long, Integer> counts = new HashMap<>();

    LockCounts(long frames) {
        this.frames = frames;
        int chunks = (int) ((frames >>> CHUNK_SHIFT) + 1);
        this.once = new long[chunks][];
        this.many = new long[chunks][];
    }

    /** The count; 0 for a frame outside physical memory (a poisoned slot of a PFN array). */
    int get(long frame) {
        if (Long.compareUnsigned(frame, frames) >= 0 || !test(once, frame)) {
            return 0;
        }
        return test(many, frame) ? counts.get(frame) : 1;
    }

    /** Adds one lock unless the frame already has {@code limit} or more; returns whether it did. */
    boolean tryLock(long frame, long limit) {
        long[] chunk = once[(int) (frame >>> CHUNK_SHIFT)];
        int bit = (int) (frame & CHUNK_MASK);
        if (chunk != null && (chunk[bit >>> 6] & (1L << bit)) == 0 && limit >= 1) {
            chunk[bit >>> 6] |= 1L << bit; // the common case: a frame nobody else has locked
            return true;
        }
        int now = get(frame);
        if (now >= limit) {
            return false;
        }
        set(once, frame, true);
        if (now >= 1) {
            set(many, frame, true);
            counts.put(frame, now + 1);
        }
        return true;
    }

    /** Drops one lock and returns the new count; -1, changing nothing, when the frame had none. */
    int unlock(long frame) {
        if (Long.compareUnsigned(frame, frames) >= 0) {
            return -1;
        }
        long[] chunk = once[(int) (frame >>> CHUNK_SHIFT)];
        int bit = (int) (frame & CHUNK_MASK);
        if (chunk == null || (chunk[bit >>> 6] & (1L << bit)) == 0) {
            return -1;
        }
        if (counts.isEmpty() || !test(many, frame)) { // no frame locked twice: skip the second bit array
            chunk[bit >>> 6] &= ~(1L << bit);
            return 0;
        }
        int now = counts.get(frame) - 1;
        if (now == 1) {
            counts.remove(frame);
            set(many, frame, false);
        } else {
            counts.put(frame, now);
        }
        return now;
    }

    private static boolean test(long[][] bits, long frame) {
        long[] chunk = bits[(int) (frame >>> CHUNK_SHIFT)];
        int bit = (int) (frame & CHUNK_MASK);
        return chunk != null && (chunk[bit >>> 6] & (1L << bit)) != 0;
    }

    private static void set(long[][] bits, long frame, boolean on) {
        int c = (int) (frame >>> CHUNK_SHIFT);
        long[] chunk = bits[c];
        if (chunk == null) {
            if (!on) {
                return;
            }
            chunk = bits[c] = new long[(CHUNK_MASK + 1) >>> 6];
        }
        int bit = (int) (frame & CHUNK_MASK);
        if (on) {
            chunk[bit >>> 6] |= 1L << bit;
        } else {
            chunk[bit >>> 6] &= ~(1L << bit);
        }
    }
}
