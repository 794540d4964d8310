package dev.mdlbridge.junit.onwindows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Mdl;
import dev.mdlbridge.api.UserBuffer;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.UserMemory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The other process of {@link DriverOnWindowsTest}: started with {@code java -cp <the test class path>}, it does
 * one thing and reports it on stdout (or in a file, when started through {@code runas}, which has no pipe back).
 *
 * <ul>
 *   <li>{@code lock}: opens the driver, locks 16 pages of its own memory, prints {@code LOCKED}, and waits to be
 *       killed;</li>
 *   <li>{@code use-handle}: reads a handle value from stdin (the parent duplicated its own handle into this
 *       process) and sends INFO on it; prints {@code OK} or {@code ERROR <win32 error>};</li>
 *   <li>{@code open FILE}: opens {@code \\.\MdlBridge} and writes {@code OPENED} or {@code ERROR <win32 error>}
 *       to FILE.</li>
 * </ul>
 */
public final class ChildProcess {

    static final String DEVICE = "\\\\.\\MdlBridge";

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "lock" -> lock();
            case "use-handle" -> useHandle();
            case "open" -> Files.writeString(Path.of(args[1]), open(), StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void lock() throws InterruptedException {
        MdlBridge bridge = MdlBridge.open("driver", BackendOptions.none());
        UserBuffer buffer = bridge.allocateUserBuffer(16 * 4096, UserMemory.PAGE_READWRITE);
        buffer.write(0, new byte[] {1});
        Mdl mdl = bridge.allocateMdl(buffer.address(), 16 * 4096);
        mdl.probeAndLock(dev.mdlbridge.api.AccessMode.USER_MODE, LockOperation.WRITE);
        System.out.println("LOCKED");
        System.out.flush();
        Thread.sleep(600_000); // killed by the parent long before this
    }

    private static void useHandle() throws Exception {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        WinNT.HANDLE handle = new WinNT.HANDLE(new Pointer(Long.parseLong(line.trim())));
        ByteBuffer request = Requests.header(PfnWindow.NONE);
        Memory in = new Memory(Math.max(1, request.remaining()));
        in.write(0, request.array(), request.arrayOffset() + request.position(), request.remaining());
        Memory out = new Memory(Protocol.REPLY_BUFFER_SIZE);
        boolean ok = Kernel32.INSTANCE.DeviceIoControl(handle, Protocol.IOCTL_INFO, in, request.remaining(), out,
                (int) out.size(), new IntByReference(), null);
        System.out.println(ok ? "OK" : "ERROR " + Kernel32.INSTANCE.GetLastError());
    }

    static String open() {
        WinNT.HANDLE h = Kernel32.INSTANCE.CreateFile(DEVICE, WinNT.GENERIC_READ | WinNT.GENERIC_WRITE, 0, null,
                WinNT.OPEN_EXISTING, WinNT.FILE_ATTRIBUTE_NORMAL, null);
        if (WinNT.INVALID_HANDLE_VALUE.equals(h)) {
            return "ERROR " + Kernel32.INSTANCE.GetLastError();
        }
        Kernel32.INSTANCE.CloseHandle(h);
        return "OPENED";
    }
}
