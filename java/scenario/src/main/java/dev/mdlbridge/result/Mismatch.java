package dev.mdlbridge.result;

/**
 * One field of a step's {@code expect} object that the step did not meet (CONTRACT.md section 9): the field as the
 * scenario named it ({@code status}, {@code mdl.byteCount}, {@code flagsSet.MDL_PAGES_LOCKED}, {@code value}) and
 * both values as the result document spells them (statuses by name, addresses in hex, counts in decimal), so the
 * text view and the JSON say the same thing.
 *
 * @param field    the field compared
 * @param expected what the scenario expected
 * @param actual   what the step gave
 */
public record Mismatch(String field, String expected, String actual) {
}
