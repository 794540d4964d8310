/**
 * Record and replay (WINDOWS-MDL-RULES 10.9, chipsec's pattern): {@link dev.mdlbridge.record.RecordingBackend} wraps
 * any backend (through {@link dev.mdlbridge.record.RecordingDecorator}, the {@code record} option's
 * {@link dev.mdlbridge.spi.BackendDecorator}) and writes every call below the seam — each {@code DeviceIoControl}
 * with its request and reply bytes, each user-memory call with its arguments and result, each simulator control — as JSON lines;
 * {@link dev.mdlbridge.record.ReplayProvider} serves such a file as the {@code replay} backend, so a run captured
 * on a Windows test machine runs again in CI, byte for byte, and any divergence is an error naming the call.
 *
 * <p>A file holds sessions, one per backend opened while recording (a selftest opens one per scenario). A session
 * carries a label — the scenario's description, or empty — and replay serves, for each backend opened, the
 * first unused session with the same label.
 */
package dev.mdlbridge.record;
