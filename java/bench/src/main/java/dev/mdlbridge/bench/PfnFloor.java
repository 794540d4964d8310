package dev.mdlbridge.bench;

/** The floor a lock is compared with: copying the PFN array of the locked range (one long per page). */
final class PfnFloor {

    final long[] source;
    final long[] target;

    PfnFloor(int pages) {
        source = new long[pages];
        target = new long[pages];
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < pages; i++) {
            source[i] = r.nextLong(1L << 36);
        }
    }

    /** One copy; returns a value derived from the copy so the JIT cannot drop it. */
    long copy() {
        System.arraycopy(source, 0, target, 0, source.length);
        return target[target.length - 1] ^ target[target.length >>> 1];
    }
}
