package dev.mdlbridge.spi;

import java.util.List;

/**
 * A simulated bug check: Windows' stop code and its four parameters.
 *
 * @param code the stop code, e.g. 0x76 PROCESS_HAS_LOCKED_PAGES
 * @param p1   the first bug-check parameter
 * @param p2   the second bug-check parameter
 * @param p3   the third bug-check parameter
 * @param p4   the fourth bug-check parameter
 * @param name the stop code's symbolic name
 */
public record BugCheck(int code, long p1, long p2, long p3, long p4, String name) {

    /**
     * The four parameters, as {@code !analyze} lists them.
     *
     * @return p1 to p4, in order
     */
    public List<Long> parameters() {
        return List.of(p1, p2, p3, p4);
    }

    /**
     * The stop as one line.
     *
     * @return {@code "bug check 0x76 PROCESS_HAS_LOCKED_PAGES (0x0, ...)"}
     */
    @Override
    public String toString() {
        return String.format("bug check 0x%X %s (0x%X, 0x%X, 0x%X, 0x%X)", code, name, p1, p2, p3, p4);
    }
}
