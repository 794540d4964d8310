package dev.mdlbridge.protocol;

/**
 * The four counters of CONTRACT.md section 8 (MDLB_COUNTERS): what a handle, process or driver holds now, or what
 * RELEASE_ALL released.
 *
 * @param outstandingMdls          MDLs of every kind in the object table
 * @param outstandingMappings      live system and user mappings
 * @param outstandingKernelBuffers live nonpaged-pool kernel buffers
 * @param lockedPages              pages locked by probes (user and kernel ranges)
 */
public record Counters(long outstandingMdls, long outstandingMappings, long outstandingKernelBuffers,
                       long lockedPages) {

    /** Nothing outstanding: what a handle holds after a clean release. */
    public static final Counters ZERO = new Counters(0, 0, 0, 0);

    /**
     * Whether nothing is outstanding.
     *
     * @return true when all four counters are 0
     */
    public boolean isZero() {
        return equals(ZERO);
    }

    /**
     * What {@code this} holds beyond {@code baseline}, in words.
     *
     * @param baseline the counters to compare with (e.g. before a scenario ran)
     * @return {@code "2 MDLs, 1 mapping"}, or {@code "nothing"} when every counter is equal
     */
    public String describeExcessOver(Counters baseline) {
        StringBuilder sb = new StringBuilder();
        append(sb, outstandingMdls - baseline.outstandingMdls, "MDL");
        append(sb, outstandingMappings - baseline.outstandingMappings, "mapping");
        append(sb, outstandingKernelBuffers - baseline.outstandingKernelBuffers, "kernel buffer");
        append(sb, lockedPages - baseline.lockedPages, "locked page");
        return sb.length() == 0 ? "nothing" : sb.toString();
    }

    private static void append(StringBuilder sb, long n, String what) {
        if (n != 0) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(n).append(' ').append(what).append(Math.abs(n) == 1 ? "" : "s");
        }
    }
}
