package dev.mdlbridge.record;

/**
 * The capability a replay backend offers ({@code backend.capability(RecordedBackend.class)}): which backend the
 * recording was made on, so a result can say "replayed from the simulator" rather than pass for a real machine.
 *
 * @param name     {@code driver} or {@code simulator}
 * @param recorded when, as the recording's ISO-8601 instant
 */
public record RecordedBackend(String name, String recorded) {
}
