package dev.mdlbridge.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Win32ErrorsTest {

    @Test
    void fileNotFoundTellsHowToInstallTheDriver() {
        assertEquals("ERROR_FILE_NOT_FOUND (2): driver not installed or not started: run `mdl driver install` as "
                + "Administrator", Win32Errors.describe(2));
    }

    @Test
    void accessDeniedSaysRunAsAdministrator() {
        assertEquals("ERROR_ACCESS_DENIED (5): run as Administrator", Win32Errors.describe(5));
    }

    @Test
    void namesTheOtherErrorsTheBriefLists() {
        assertEquals("ERROR_NOT_FOUND", Win32Errors.name(1168));
        assertEquals("ERROR_INVALID_PARAMETER", Win32Errors.name(87));
        assertEquals("ERROR_NOACCESS", Win32Errors.name(998));
        assertEquals("ERROR_INSUFFICIENT_BUFFER", Win32Errors.name(122));
        assertEquals("ERROR_INVALID_FUNCTION", Win32Errors.name(1));
        assertEquals("ERROR_REVISION_MISMATCH", Win32Errors.name(1306));
        assertTrue(Win32Errors.describe(1306).contains("mdl driver install"));
    }

    @Test
    void unknownErrorIsReportedByNumber() {
        assertEquals("Win32 error 54321", Win32Errors.describe(54321));
    }

    @Test
    void theErrorsOfTheDocumentedMappingAreNamedAsWindowsNamesThem() {
        assertEquals("ERROR_BAD_COMMAND", Win32Errors.name(22), "STATUS_INVALID_DEVICE_STATE's error");
        assertEquals("ERROR_UNEXP_NET_ERR", Win32Errors.name(59), "STATUS_INVALID_ADDRESS's error");
        assertEquals("ERROR_PARTIAL_COPY", Win32Errors.name(299));
        assertEquals("ERROR_MR_MID_NOT_FOUND", Win32Errors.name(317));
    }
}
