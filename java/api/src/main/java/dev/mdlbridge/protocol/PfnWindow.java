package dev.mdlbridge.protocol;

/**
 * Which PFNs every snapshot of a reply copies: {@code [start, start + max)}, further bounded by the driver
 * (pages spanned, recorded capacity, {@link Protocol#MAX_INLINE_PFNS}, space in the output buffer).
 *
 * @param start index in the MDL's PFN array of the first PFN to copy
 * @param max   PFNs to copy at most; 0 copies none
 */
public record PfnWindow(int start, int max) {

    /** The first {@link Protocol#MAX_INLINE_PFNS} PFNs: what one reply can carry. */
    public static final PfnWindow FIRST = new PfnWindow(0, Protocol.MAX_INLINE_PFNS);
    /** No PFNs at all (headers only). */
    public static final PfnWindow NONE = new PfnWindow(0, 0);

    /**
     * Checks the window.
     *
     * @param start index in the MDL's PFN array of the first PFN to copy
     * @param max   PFNs to copy at most; 0 copies none
     * @throws IllegalArgumentException when {@code start} or {@code max} is negative
     */
    public PfnWindow {
        if (start < 0 || max < 0) {
            throw new IllegalArgumentException("PFN window start and max must be >= 0, got " + start + ", " + max);
        }
    }
}
