package dev.mdlbridge.junit.onwindows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.cli.scenario.SelftestCommand;
import dev.mdlbridge.junit.EnabledOnDriver;
import dev.mdlbridge.junit.MdlBridgeTest;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.windows.jna.RestrictedToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What only a real Windows test machine with the driver installed can show (CONTRACT.md 1): these run under
 * {@code auto} when the driver opens, are skipped with the driver's reason when it does not, and fail with every
 * reason under {@code mdlbridge.backend=driver}. Nothing here has run yet: this repository is built on Linux, and
 * the tests are written against the contract, to be run on the first test machine.
 *
 * <p>Each test uses a second process ({@link ChildProcess}) started from this JVM's class path.
 */
@MdlBridgeTest
@EnabledOnOs(OS.WINDOWS)
@EnabledOnDriver
class DriverOnWindowsTest {

    /** DuplicateHandle's option to give the copy the original's access (winnt.h; jna-platform lacks it). */
    private static final int DUPLICATE_SAME_ACCESS = 0x2;

    @Test
    void theSelftestPassesOnTheDriver(@TempDir Path out) {
        StringWriter text = new StringWriter();
        int exit = new CommandLine(new SelftestCommand()).setOut(new PrintWriter(text))
                .execute("--backend", "driver", "--out", out.toString());
        assertEquals(0, exit, text.toString());
    }

    /**
     * The device admits administrators only (WINDOWS-MDL-RULES.md §10.10). In-process: this thread impersonates a
     * restricted copy of the process token with the Administrators group deny-only and opens the device, which
     * must fail with ERROR_ACCESS_DENIED. (It replaced {@code runas /trustlevel:0x20000}, which opens a console
     * and a child process and was fragile.)
     */
    @Test
    void aNonAdministratorCannotOpenTheDevice() {
        int error;
        try (RestrictedToken basicUser = RestrictedToken.impersonateWithoutAdministrators()) {
            WinNT.HANDLE h = Kernel32.INSTANCE.CreateFile(ChildProcess.DEVICE,
                    WinNT.GENERIC_READ | WinNT.GENERIC_WRITE, 0, null, WinNT.OPEN_EXISTING,
                    WinNT.FILE_ATTRIBUTE_NORMAL, null);
            error = Kernel32.INSTANCE.GetLastError();
            if (!WinNT.INVALID_HANDLE_VALUE.equals(h)) {
                Kernel32.INSTANCE.CloseHandle(h);
                error = 0;
            }
        }
        assertEquals(5, error, "a token without Administrators must get ERROR_ACCESS_DENIED from CreateFile on "
                + "\\\\.\\MdlBridge (0: it opened)");
    }

    /** CONTRACT.md §1: a DEVICE_CONTROL from any process other than the opener fails with STATUS_ACCESS_DENIED. */
    @Test
    void aHandleDuplicatedIntoAnotherProcessIsRefusedThere() throws Exception {
        Process child = java("use-handle");
        WinNT.HANDLE mine = Kernel32.INSTANCE.CreateFile(ChildProcess.DEVICE,
                WinNT.GENERIC_READ | WinNT.GENERIC_WRITE, 0, null, WinNT.OPEN_EXISTING, WinNT.FILE_ATTRIBUTE_NORMAL,
                null);
        assertTrue(!WinNT.INVALID_HANDLE_VALUE.equals(mine), "open: " + Kernel32.INSTANCE.GetLastError());
        WinNT.HANDLE target = Kernel32.INSTANCE.OpenProcess(WinNT.PROCESS_DUP_HANDLE, false, (int) child.pid());
        assertTrue(target != null, "OpenProcess: " + Kernel32.INSTANCE.GetLastError());
        try {
            WinNT.HANDLEByReference theirs = new WinNT.HANDLEByReference();
            assertTrue(Kernel32.INSTANCE.DuplicateHandle(Kernel32.INSTANCE.GetCurrentProcess(), mine, target, theirs,
                    0, false, DUPLICATE_SAME_ACCESS), "DuplicateHandle: " + Kernel32.INSTANCE.GetLastError());
            child.getOutputStream().write((com.sun.jna.Pointer.nativeValue(theirs.getValue().getPointer()) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            child.getOutputStream().flush();
            String answer = firstLine(child);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            // STATUS_ACCESS_DENIED becomes ERROR_ACCESS_DENIED (5) through DeviceIoControl
            assertEquals("ERROR 5", answer, "the duplicated handle must be refused in the other process");
        } finally {
            Kernel32.INSTANCE.CloseHandle(target);
            Kernel32.INSTANCE.CloseHandle(mine);
            child.destroyForcibly();
        }
    }

    /** CONTRACT.md §1: the owner's exit releases everything (CLEANUP and the process-notify callback). */
    @Test
    void aChildKilledWhileHoldingLockedPagesLeavesNothingBehind(MdlBridge bridge) throws Exception {
        Counters before = driverUse(bridge);
        Process child = java("lock");
        try {
            assertEquals("LOCKED", firstLine(child), "the child did not lock its pages");
            Counters holding = driverUse(bridge);
            assertEquals(before.lockedPages() + 16, holding.lockedPages(), "the child's 16 pages are locked");
        } finally {
            child.destroyForcibly(); // TerminateProcess: no chance to close anything itself
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Counters after = driverUse(bridge);
        while (!after.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            after = driverUse(bridge);
        }
        assertEquals(before, after, "the driver still holds what the killed child had");
    }

    private static Process java(String mode) throws Exception {
        return new ProcessBuilder(javaExe(), "-cp", System.getProperty("java.class.path"), ChildProcess.class.getName(),
                mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String javaExe() {
        return Path.of(System.getProperty("java.home"), "bin", "java.exe").toString();
    }

    private static String firstLine(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = r.readLine();
        return line == null ? "(the child printed nothing; exit " + (p.isAlive() ? "still running" : p.exitValue())
                + ")" : line.trim();
    }

    /** What the whole driver holds now, over every handle (INFO's DriverUse; driverInfo() is the open's copy). */
    private static Counters driverUse(MdlBridge bridge) {
        return ((Info) bridge.info().orThrow().extra()).driverUse().counters();
    }
}
