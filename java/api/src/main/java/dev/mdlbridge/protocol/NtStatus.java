package dev.mdlbridge.protocol;

import java.util.Map;
import java.util.Optional;

/**
 * An NTSTATUS value with its name. Unknown values keep their number and get a generic name, so nothing a driver
 * returns is ever lost.
 */
public record NtStatus(int value, String name) {

    public static final NtStatus SUCCESS = new NtStatus(0x00000000, "STATUS_SUCCESS");
    public static final NtStatus GUARD_PAGE_VIOLATION = new NtStatus(0x80000001, "STATUS_GUARD_PAGE_VIOLATION");
    public static final NtStatus PARTIAL_COPY = new NtStatus(0x8000000D, "STATUS_PARTIAL_COPY");
    public static final NtStatus UNSUCCESSFUL = new NtStatus(0xC0000001, "STATUS_UNSUCCESSFUL");
    public static final NtStatus INFO_LENGTH_MISMATCH = new NtStatus(0xC0000004, "STATUS_INFO_LENGTH_MISMATCH");
    public static final NtStatus ACCESS_VIOLATION = new NtStatus(0xC0000005, "STATUS_ACCESS_VIOLATION");
    public static final NtStatus IN_PAGE_ERROR = new NtStatus(0xC0000006, "STATUS_IN_PAGE_ERROR");
    public static final NtStatus INVALID_HANDLE = new NtStatus(0xC0000008, "STATUS_INVALID_HANDLE");
    public static final NtStatus INVALID_PARAMETER = new NtStatus(0xC000000D, "STATUS_INVALID_PARAMETER");
    public static final NtStatus INVALID_DEVICE_REQUEST = new NtStatus(0xC0000010, "STATUS_INVALID_DEVICE_REQUEST");
    public static final NtStatus NO_MEMORY = new NtStatus(0xC0000017, "STATUS_NO_MEMORY");
    public static final NtStatus CONFLICTING_ADDRESSES = new NtStatus(0xC0000018, "STATUS_CONFLICTING_ADDRESSES");
    public static final NtStatus NOT_MAPPED_VIEW = new NtStatus(0xC0000019, "STATUS_NOT_MAPPED_VIEW");
    public static final NtStatus UNABLE_TO_DELETE_SECTION = new NtStatus(0xC000001B, "STATUS_UNABLE_TO_DELETE_SECTION");
    public static final NtStatus ACCESS_DENIED = new NtStatus(0xC0000022, "STATUS_ACCESS_DENIED");
    public static final NtStatus BUFFER_TOO_SMALL = new NtStatus(0xC0000023, "STATUS_BUFFER_TOO_SMALL");
    public static final NtStatus OBJECT_TYPE_MISMATCH = new NtStatus(0xC0000024, "STATUS_OBJECT_TYPE_MISMATCH");
    public static final NtStatus QUOTA_EXCEEDED = new NtStatus(0xC0000044, "STATUS_QUOTA_EXCEEDED");
    public static final NtStatus REVISION_MISMATCH = new NtStatus(0xC0000059, "STATUS_REVISION_MISMATCH");
    public static final NtStatus INSUFFICIENT_RESOURCES = new NtStatus(0xC000009A, "STATUS_INSUFFICIENT_RESOURCES");
    public static final NtStatus WORKING_SET_QUOTA = new NtStatus(0xC00000A1, "STATUS_WORKING_SET_QUOTA");
    public static final NtStatus NOT_SUPPORTED = new NtStatus(0xC00000BB, "STATUS_NOT_SUPPORTED");
    public static final NtStatus PROCESS_IS_TERMINATING = new NtStatus(0xC000010A, "STATUS_PROCESS_IS_TERMINATING");
    public static final NtStatus INVALID_ADDRESS = new NtStatus(0xC0000141, "STATUS_INVALID_ADDRESS");
    public static final NtStatus INVALID_DEVICE_STATE = new NtStatus(0xC0000184, "STATUS_INVALID_DEVICE_STATE");
    public static final NtStatus NOT_FOUND = new NtStatus(0xC0000225, "STATUS_NOT_FOUND");
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

    public static NtStatus of(int value) {
        NtStatus known = KNOWN.get(value);
        return known != null ? known : new NtStatus(value, String.format("NTSTATUS_0x%08X", value));
    }

    /** By name ({@code STATUS_ACCESS_VIOLATION}) or by value ({@code 0xC0000005}). */
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

    public boolean isSuccess() {
        return value == 0;
    }

    /** NT_SUCCESS: severity success or informational. */
    public boolean ntSuccess() {
        return value >= 0;
    }

    /** {@code "0xC0000005"}. */
    public String hex() {
        return String.format("0x%08X", value);
    }

    @Override
    public String toString() {
        return name + " (" + hex() + ")";
    }
}
