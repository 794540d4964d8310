package dev.mdlbridge.windows;

import dev.mdlbridge.protocol.NtStatus;
import java.util.Map;

/**
 * Win32 error codes the backend can meet, by name and with what to do about them, and the NTSTATUS each one was
 * mapped from by the I/O manager where that is unambiguous for this driver.
 *
 * <p>Why a back-mapping: {@code DeviceIoControl} only reports the Win32 error that {@code RtlNtStatusToDosError}
 * made of the IRP's status. Several statuses collapse onto one error (e.g. {@code STATUS_INVALID_ADDRESS} and
 * {@code STATUS_CONFLICTING_ADDRESSES} both become 487), and for those we report 0 (unknown) rather than guess.
 */
public final class Win32Errors {

    private record Entry(String name, String advice, int ntStatus) {
    }

    private static final int UNKNOWN = 0;

    private static final Map<Integer, Entry> KNOWN = Map.ofEntries(
            Map.entry(1, new Entry("ERROR_INVALID_FUNCTION",
                    "the driver does not know this control code: the installed driver is from another release "
                            + "(`mdl driver install`)", NtStatus.INVALID_DEVICE_REQUEST.value())),
            Map.entry(2, new Entry("ERROR_FILE_NOT_FOUND",
                    "driver not installed or not started: run `mdl driver install` as Administrator", UNKNOWN)),
            Map.entry(3, new Entry("ERROR_PATH_NOT_FOUND",
                    "driver not installed or not started: run `mdl driver install` as Administrator", UNKNOWN)),
            Map.entry(5, new Entry("ERROR_ACCESS_DENIED", "run as Administrator",
                    NtStatus.ACCESS_DENIED.value())),
            Map.entry(6, new Entry("ERROR_INVALID_HANDLE", "the handle was closed or is not a MdlBridge handle",
                    NtStatus.INVALID_HANDLE.value())),
            Map.entry(8, new Entry("ERROR_NOT_ENOUGH_MEMORY", "the system is out of memory",
                    NtStatus.NO_MEMORY.value())),
            Map.entry(22, new Entry("ERROR_BAD_COMMAND",
                    "the driver refused the request in this object state (STATUS_INVALID_DEVICE_STATE)",
                    NtStatus.INVALID_DEVICE_STATE.value())),
            Map.entry(24, new Entry("ERROR_BAD_LENGTH", "a request or reply length did not match the protocol",
                    NtStatus.INFO_LENGTH_MISMATCH.value())),
            Map.entry(32, new Entry("ERROR_SHARING_VIOLATION",
                    "another process holds the device exclusively: close it and retry", UNKNOWN)),
            Map.entry(87, new Entry("ERROR_INVALID_PARAMETER", "the driver rejected a parameter of the request",
                    NtStatus.INVALID_PARAMETER.value())),
            Map.entry(122, new Entry("ERROR_INSUFFICIENT_BUFFER", "the reply buffer is too small for the reply",
                    NtStatus.BUFFER_TOO_SMALL.value())),
            Map.entry(299, new Entry("ERROR_PARTIAL_COPY",
                    "part of the range is not accessible (no-access, guard or uncommitted page)", UNKNOWN)),
            Map.entry(487, new Entry("ERROR_INVALID_ADDRESS",
                    "the address is not valid in this process (STATUS_INVALID_ADDRESS or "
                            + "STATUS_CONFLICTING_ADDRESSES)", UNKNOWN)),
            Map.entry(998, new Entry("ERROR_NOACCESS", "the user range could not be accessed by the I/O manager",
                    NtStatus.ACCESS_VIOLATION.value())),
            Map.entry(1168, new Entry("ERROR_NOT_FOUND", "no object with that id on this handle",
                    NtStatus.NOT_FOUND.value())),
            Map.entry(1306, new Entry("ERROR_REVISION_MISMATCH",
                    "the driver speaks another protocol version: install the driver from the same release "
                            + "(`mdl driver install`)", NtStatus.REVISION_MISMATCH.value())),
            Map.entry(1450, new Entry("ERROR_NO_SYSTEM_RESOURCES", "the system is out of a kernel resource",
                    NtStatus.INSUFFICIENT_RESOURCES.value())),
            Map.entry(1453, new Entry("ERROR_WORKING_SET_QUOTA",
                    "the working set quota does not allow locking this many pages",
                    NtStatus.WORKING_SET_QUOTA.value())));

    private Win32Errors() {
    }

    /** "ERROR_ACCESS_DENIED" or "Win32 error 12345" for codes this table does not know. */
    public static String name(int error) {
        Entry e = KNOWN.get(error);
        return e == null ? "Win32 error " + error : e.name();
    }

    /** "ERROR_ACCESS_DENIED (5): run as Administrator". */
    public static String describe(int error) {
        Entry e = KNOWN.get(error);
        return e == null ? "Win32 error " + error : e.name() + " (" + error + "): " + e.advice();
    }

    /** The NTSTATUS the error was mapped from, or 0 when unknown or ambiguous. */
    public static int ntStatusOf(int error) {
        Entry e = KNOWN.get(error);
        return e == null ? UNKNOWN : e.ntStatus();
    }
}
