package dev.mdlbridge.cli.explore;

/**
 * An invariant that failed after a step.
 *
 * @param kind    what failed: {@code bugcheck}, {@code refusal-changed-state}, {@code lock-count-mismatch},
 *                {@code pool-accounting}, {@code release-incomplete}, {@code closed-duplicate-released},
 *                {@code leak-after-release}, {@code simulator-internal-error}, {@code limit-exceeded}, and the
 *                model's ({@link Expectations}): {@code second-system-mapping}, {@code memory-type-alias},
 *                {@code reserved-mapping-released}, {@code reservation-freed-while-mapped},
 *                {@code reservation-overfilled}, {@code transfer-out-of-range}
 * @param code    the bug check code for {@code bugcheck}, else 0
 * @param summary one line saying what was seen
 */
record Violation(String kind, int code, String summary) {

    /** Findings with the same key are one finding: shrinking keeps the key. */
    String key() {
        return code == 0 ? kind : kind + ":0x" + Integer.toHexString(code).toUpperCase();
    }
}
