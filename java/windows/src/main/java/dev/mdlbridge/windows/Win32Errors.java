package dev.mdlbridge.windows;

import java.util.Map;

/**
 * Win32 error codes the backend can meet, by name and with what to do about them. Naming only: device calls and
 * user-memory copies return their NTSTATUS ({@code NtDeviceIoControlFile}, {@code NtReadVirtualMemory}), so no
 * status is ever guessed back from an error here; the error shown beside a status is
 * {@code RtlNtStatusToDosError} of it. An error this table does not know is named by its number.
 */
public final class Win32Errors {

    private record Entry(String name, String advice) {
    }

    private static final Map<Integer, Entry> KNOWN = Map.ofEntries(
            Map.entry(1, new Entry("ERROR_INVALID_FUNCTION",
                    "the driver does not know this control code: the installed driver is from another release "
                            + "(`mdl driver install`)")),
            Map.entry(2, new Entry("ERROR_FILE_NOT_FOUND",
                    "driver not installed or not started: run `mdl driver install` as Administrator")),
            Map.entry(3, new Entry("ERROR_PATH_NOT_FOUND",
                    "driver not installed or not started: run `mdl driver install` as Administrator")),
            Map.entry(5, new Entry("ERROR_ACCESS_DENIED", "run as Administrator")),
            Map.entry(6, new Entry("ERROR_INVALID_HANDLE", "the handle was closed or is not a MdlBridge handle")),
            Map.entry(8, new Entry("ERROR_NOT_ENOUGH_MEMORY", "the system is out of memory")),
            Map.entry(22, new Entry("ERROR_BAD_COMMAND",
                    "the driver refused the request in this object state (STATUS_INVALID_DEVICE_STATE)")),
            Map.entry(24, new Entry("ERROR_BAD_LENGTH", "a request or reply length did not match the protocol")),
            Map.entry(31, new Entry("ERROR_GEN_FAILURE", "the request failed (STATUS_UNSUCCESSFUL)")),
            Map.entry(32, new Entry("ERROR_SHARING_VIOLATION",
                    "another process holds the device exclusively: close it and retry")),
            Map.entry(50, new Entry("ERROR_NOT_SUPPORTED", "this Windows does not support the call")),
            Map.entry(59, new Entry("ERROR_UNEXP_NET_ERR",
                    "what Windows shows for STATUS_INVALID_ADDRESS: the address is not valid for the call")),
            Map.entry(87, new Entry("ERROR_INVALID_PARAMETER", "the driver rejected a parameter of the request")),
            Map.entry(122, new Entry("ERROR_INSUFFICIENT_BUFFER", "the reply buffer is too small for the reply")),
            Map.entry(299, new Entry("ERROR_PARTIAL_COPY",
                    "part of the range is not accessible (no-access, guard or uncommitted page)")),
            Map.entry(317, new Entry("ERROR_MR_MID_NOT_FOUND",
                    "Windows has no Win32 error for this NTSTATUS; the status itself is the answer")),
            Map.entry(487, new Entry("ERROR_INVALID_ADDRESS", "the address is not valid in this process")),
            Map.entry(998, new Entry("ERROR_NOACCESS", "the user range could not be accessed")),
            Map.entry(999, new Entry("ERROR_SWAPERROR", "a page of the range could not be read back from disk")),
            Map.entry(1168, new Entry("ERROR_NOT_FOUND", "no object with that id")),
            Map.entry(1306, new Entry("ERROR_REVISION_MISMATCH",
                    "the driver speaks another protocol version: install the driver from the same release "
                            + "(`mdl driver install`)")),
            Map.entry(1450, new Entry("ERROR_NO_SYSTEM_RESOURCES", "the system is out of a kernel resource")),
            Map.entry(1453, new Entry("ERROR_WORKING_SET_QUOTA",
                    "the working set quota does not allow locking this many pages")),
            Map.entry(1816, new Entry("ERROR_NOT_ENOUGH_QUOTA", "a quota of the process is exhausted")));

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
}
