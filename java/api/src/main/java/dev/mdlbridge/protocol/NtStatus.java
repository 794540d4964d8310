package dev.mdlbridge.protocol;

import java.util.Map;
import java.util.Optional;

/**
 * An NTSTATUS value with its name. Unknown values keep their number and get a generic name, so nothing a driver
 * returns is ever lost.
 *
 * @param value the 32-bit NTSTATUS (severity in the top two bits; negative as an {@code int} for errors)
 * @param name  its {@code ntstatus.h} name, e.g. {@code STATUS_ACCESS_VIOLATION}, or {@code NTSTATUS_0x...}
 */
public record NtStatus(int value, String name) {

    /** The operation completed; every DDI did what was asked. */
    public static final NtStatus SUCCESS = new NtStatus(0x00000000, "STATUS_SUCCESS");
    /** A warning raised by the first touch of a {@code PAGE_GUARD} page, which removes the guard. */
    public static final NtStatus GUARD_PAGE_VIOLATION = new NtStatus(0x80000001, "STATUS_GUARD_PAGE_VIOLATION");
    /** A warning: a read or write of another process's memory copied only part of the range. */
    public static final NtStatus PARTIAL_COPY = new NtStatus(0x8000000D, "STATUS_PARTIAL_COPY");
    /** A failure that carries no more specific status (a failed call with no status recorded reports this). */
    public static final NtStatus UNSUCCESSFUL = new NtStatus(0xC0000001, "STATUS_UNSUCCESSFUL");
    /** The IRP failed: the input length is not the size the control code's request has. */
    public static final NtStatus INFO_LENGTH_MISMATCH = new NtStatus(0xC0000004, "STATUS_INFO_LENGTH_MISMATCH");
    /** A page of the range is not accessible for the access asked (raised by a probe or a copy). */
    public static final NtStatus ACCESS_VIOLATION = new NtStatus(0xC0000005, "STATUS_ACCESS_VIOLATION");
    /** A page could not be read back from its backing store when touched (raised by a probe or a copy). */
    public static final NtStatus IN_PAGE_ERROR = new NtStatus(0xC0000006, "STATUS_IN_PAGE_ERROR");
    /** The handle passed is not an open handle of the caller. */
    public static final NtStatus INVALID_HANDLE = new NtStatus(0xC0000008, "STATUS_INVALID_HANDLE");
    /** A parameter value is not one the call accepts; with the parameter stage, the field is named in the detail. */
    public static final NtStatus INVALID_PARAMETER = new NtStatus(0xC000000D, "STATUS_INVALID_PARAMETER");
    /** The IRP failed: the driver does not know the control code. */
    public static final NtStatus INVALID_DEVICE_REQUEST = new NtStatus(0xC0000010, "STATUS_INVALID_DEVICE_REQUEST");
    /** Not enough virtual memory or paging file quota to complete the allocation. */
    public static final NtStatus NO_MEMORY = new NtStatus(0xC0000017, "STATUS_NO_MEMORY");
    /** The requested address range is already in use in the process (e.g. a user mapping's requested address). */
    public static final NtStatus CONFLICTING_ADDRESSES = new NtStatus(0xC0000018, "STATUS_CONFLICTING_ADDRESSES");
    /** The address is not the base of a mapped view or allocation. */
    public static final NtStatus NOT_MAPPED_VIEW = new NtStatus(0xC0000019, "STATUS_NOT_MAPPED_VIEW");
    /** The view or section could not be unmapped or deleted. */
    public static final NtStatus UNABLE_TO_DELETE_SECTION = new NtStatus(0xC000001B, "STATUS_UNABLE_TO_DELETE_SECTION");
    /** The IRP failed: the handle belongs to another process, or the access was not granted. */
    public static final NtStatus ACCESS_DENIED = new NtStatus(0xC0000022, "STATUS_ACCESS_DENIED");
    /** The IRP failed: the output buffer cannot hold the reply. */
    public static final NtStatus BUFFER_TOO_SMALL = new NtStatus(0xC0000023, "STATUS_BUFFER_TOO_SMALL");
    /** The IRP failed: the id names another kind of object (a mapping where an MDL is expected, say). */
    public static final NtStatus OBJECT_TYPE_MISMATCH = new NtStatus(0xC0000024, "STATUS_OBJECT_TYPE_MISMATCH");
    /** A limit of the driver (per handle or driver-wide) or a process quota was reached. */
    public static final NtStatus QUOTA_EXCEEDED = new NtStatus(0xC0000044, "STATUS_QUOTA_EXCEEDED");
    /** The IRP failed: the request's magic or protocol version is not the driver's. */
    public static final NtStatus REVISION_MISMATCH = new NtStatus(0xC0000059, "STATUS_REVISION_MISMATCH");
    /** A DDI returned NULL: out of nonpaged pool, system PTEs or lockable pages (IoAllocateMdl, a mapping, ...). */
    public static final NtStatus INSUFFICIENT_RESOURCES = new NtStatus(0xC000009A, "STATUS_INSUFFICIENT_RESOURCES");
    /** Locking the pages would push the process's working set past its quota (raised by a probe). */
    public static final NtStatus WORKING_SET_QUOTA = new NtStatus(0xC00000A1, "STATUS_WORKING_SET_QUOTA");
    /** The request is not supported on this machine or backend. */
    public static final NtStatus NOT_SUPPORTED = new NtStatus(0xC00000BB, "STATUS_NOT_SUPPORTED");
    /** The process is exiting: no new mapping or lock is made for it. */
    public static final NtStatus PROCESS_IS_TERMINATING = new NtStatus(0xC000010A, "STATUS_PROCESS_IS_TERMINATING");
    /** The address lies in no allocation of the process (raised by a probe of a freed or never-allocated range). */
    public static final NtStatus INVALID_ADDRESS = new NtStatus(0xC0000141, "STATUS_INVALID_ADDRESS");
    /** A refusal of the driver's contract: the object's state does not allow the request, and nothing changed. */
    public static final NtStatus INVALID_DEVICE_STATE = new NtStatus(0xC0000184, "STATUS_INVALID_DEVICE_STATE");
    /** The IRP failed: the object id is unknown or was already released. */
    public static final NtStatus NOT_FOUND = new NtStatus(0xC0000225, "STATUS_NOT_FOUND");
    /** Not an NTSTATUS but Wine's exception code for a call to an unimplemented stub (when run under Wine). */
    public static final NtStatus WINE_STUB = new NtStatus(0x80000100, "EXCEPTION_WINE_STUB");

    private static final Map<Integer, NtStatus> KNOWN = Map.ofEntries(
            e(SUCCESS), e(GUARD_PAGE_VIOLATION), e(PARTIAL_COPY), e(UNSUCCESSFUL), e(NOT_SUPPORTED), e(INFO_LENGTH_MISMATCH), e(ACCESS_VIOLATION), e(IN_PAGE_ERROR),
            e(INVALID_HANDLE), e(INVALID_PARAMETER), e(INVALID_DEVICE_REQUEST), e(NO_MEMORY),
            e(CONFLICTING_ADDRESSES), e(NOT_MAPPED_VIEW), e(UNABLE_TO_DELETE_SECTION), e(ACCESS_DENIED),
            e(BUFFER_TOO_SMALL), e(OBJECT_TYPE_MISMATCH), e(QUOTA_EXCEEDED), e(REVISION_MISMATCH),
            e(INSUFFICIENT_RESOURCES), e(WORKING_SET_QUOTA), e(PROCESS_IS_TERMINATING), e(INVALID_ADDRESS),
            e(INVALID_DEVICE_STATE), e(NOT_FOUND), e(WINE_STUB));

    private static final Map<String, NtStatus> BY_NAME = KNOWN.values().stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(NtStatus::name, s -> s));

    private static Map.Entry<Integer, NtStatus> e(NtStatus s) {
        return Map.entry(s.value, s);
    }

    /**
     * The status with this value.
     *
     * @param value an NTSTATUS
     * @return the known status with its name, or a new one named {@code NTSTATUS_0x...}
     */
    public static NtStatus of(int value) {
        NtStatus known = KNOWN.get(value);
        return known != null ? known : new NtStatus(value, String.format("NTSTATUS_0x%08X", value));
    }

    /**
     * A status by name ({@code STATUS_ACCESS_VIOLATION}) or by value ({@code 0xC0000005}).
     *
     * @param text the name of a known status, or a hex value with {@code 0x}; surrounding blanks are ignored
     * @return the status, or empty for an unknown name or bad hex
     */
    public static Optional<NtStatus> parse(String text) {
        String t = text.trim();
        if (t.regionMatches(true, 0, "0x", 0, 2)) {
            try {
                return Optional.of(of((int) Long.parseLong(t.substring(2), 16)));
            } catch (NumberFormatException ex) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(BY_NAME.get(t));
    }

    /**
     * Whether this is exactly STATUS_SUCCESS (0), not merely a success or informational severity.
     *
     * @return true for 0
     */
    public boolean isSuccess() {
        return value == 0;
    }

    /**
     * The {@code NT_SUCCESS} macro: severity success or informational (warnings and errors are not).
     *
     * @return true when the value is non-negative as a signed 32-bit number
     */
    public boolean ntSuccess() {
        return value >= 0;
    }

    /**
     * The value as eight upper-case hex digits.
     *
     * @return {@code "0xC0000005"}
     */
    public String hex() {
        return String.format("0x%08X", value);
    }

    /**
     * Name and value.
     *
     * @return {@code "STATUS_ACCESS_VIOLATION (0xC0000005)"}
     */
    @Override
    public String toString() {
        return name + " (" + hex() + ")";
    }
}
