package dev.mdlbridge.protocol;

/** The four counters of CONTRACT.md section 8 (MDLB_COUNTERS). */
public record Counters(long outstandingMdls, long outstandingMappings, long outstandingKernelBuffers,
                       long lockedPages) {

    public static final Counters ZERO = new Counters(0, 0, 0, 0);

    public boolean isZero() {
        return equals(ZERO);
    }

    /** What {@code this} holds beyond {@code baseline}, as "2 MDLs, 1 mapping" or "nothing". */
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
