package dev.mdlbridge.windows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import dev.mdlbridge.protocol.DosErrors;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.IoResult;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsDeviceChannelTest {

    private final FakeWin32 fake = new FakeWin32();

    @Test
    void opensReadWriteAndNotOverlapped() {
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            assertEquals("\\\\.\\MdlBridge", fake.openedPath);
            assertEquals(Win32.GENERIC_READ | Win32.GENERIC_WRITE, fake.openedAccess);
            assertEquals(0, fake.openedFlags & 0x40000000, "FILE_FLAG_OVERLAPPED must not be set");
            assertEquals(Protocol.REPLY_BUFFER_SIZE, c.replyBufferSize());
        }
    }

    @Test
    void openFailureNamesTheErrorAndWhatToDo() {
        fake.createFileError = 2;
        BackendException e = assertThrows(BackendException.class,
                () -> WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH));
        assertTrue(e.getMessage().contains("ERROR_FILE_NOT_FOUND (2): driver not installed or not started: run "
                + "`mdl driver install` as Administrator"), e.getMessage());
        fake.createFileError = 5;
        e = assertThrows(BackendException.class, () -> WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH));
        assertTrue(e.getMessage().endsWith("run as Administrator"), e.getMessage());
    }

    @Test
    void passesRequestBytesAndCopiesReplyToIndexZero() {
        fake.device = (code, req) -> {
            assertArrayEquals(new byte[] {1, 2, 3}, req);
            return new byte[] {9, 8, 7, 6};
        };
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            ByteBuffer request = ByteBuffer.wrap(new byte[] {0, 1, 2, 3});
            request.position(1);
            ByteBuffer reply = ByteBuffer.allocate(64);
            reply.position(10);
            IoResult r = c.control(Protocol.IOCTL_INFO, request, reply);
            assertEquals(IoResult.success(4), r);
            assertEquals(Protocol.IOCTL_INFO, fake.lastCode);
            assertEquals(3, fake.lastInLength);
            assertEquals(64, fake.lastOutLength, "output length is the reply capacity when it fits the buffer");
            assertEquals(9, reply.get(0));
            assertEquals(6, reply.get(3));
            assertEquals(1, request.position(), "the caller's request is not consumed");
        }
    }

    @Test
    void outputLengthIsCappedAtTheOwnedBuffer() {
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            c.control(Protocol.IOCTL_INFO, ByteBuffer.allocate(0), ByteBuffer.allocate(Protocol.REPLY_BUFFER_SIZE * 2));
            assertEquals(Protocol.REPLY_BUFFER_SIZE, fake.lastOutLength);
        }
    }

    @Test
    void largeRequestGrowsTheRequestBuffer() {
        byte[] big = new byte[Protocol.REPLY_BUFFER_SIZE + 100];
        big[big.length - 1] = 42;
        fake.device = (code, req) -> {
            assertEquals(42, req[req.length - 1]);
            return new byte[0];
        };
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            assertTrue(c.control(Protocol.IOCTL_WRITE_MAPPED, ByteBuffer.wrap(big), ByteBuffer.allocate(16)).ok());
            assertEquals(big.length, fake.lastInLength);
        }
    }

    @Test
    void failureCarriesTheExactStatusAndItsWin32Error() {
        fake.device = (code, req) -> null;
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            fake.ioctlStatus = 0xC0000184;
            IoResult r = c.control(Protocol.IOCTL_UNLOCK, ByteBuffer.allocate(4), ByteBuffer.allocate(16));
            assertEquals(IoResult.failure(0xC0000184, 22), r, "STATUS_INVALID_DEVICE_STATE, ERROR_BAD_COMMAND");

            // both become Win32 error 6; the status still tells them apart
            fake.ioctlStatus = 0xC0000008;
            assertEquals(IoResult.failure(0xC0000008, 6), c.control(Protocol.IOCTL_UNLOCK, ByteBuffer.allocate(4),
                    ByteBuffer.allocate(16)), "STATUS_INVALID_HANDLE");
            fake.ioctlStatus = 0xC0000024;
            assertEquals(IoResult.failure(0xC0000024, 6), c.control(Protocol.IOCTL_UNLOCK, ByteBuffer.allocate(4),
                    ByteBuffer.allocate(16)), "STATUS_OBJECT_TYPE_MISMATCH");
        }
    }

    @Test
    void aStatusNoTableKnowsIsAFailureWithThatStatusNeverSuccess() {
        fake.device = (code, req) -> null;
        fake.ioctlStatus = 0xC0001234;
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            IoResult r = c.control(Protocol.IOCTL_UNLOCK, ByteBuffer.allocate(4), ByteBuffer.allocate(16));
            assertFalse(r.ok());
            assertEquals(0xC0001234, r.ntStatus());
            assertEquals(317, r.win32Error(), "ERROR_MR_MID_NOT_FOUND, as RtlNtStatusToDosError gives");
            assertEquals("NTSTATUS_0xC0001234", NtStatus.of(r.ntStatus()).name());
        }
    }

    @Test
    void aGuardPageUnderADirectIoIsTheWarningStatusNotSuccess() {
        fake.device = (code, req) -> null;
        fake.ioctlStatus = 0x80000001; // the I/O manager's probe of the output range raised it
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            IoResult r = c.controlDirect(Protocol.IOCTL_DIRECT_IN, ByteBuffer.allocate(8), 0x1000L, 4096);
            assertEquals(IoResult.failure(0x80000001, 0x80000001), r,
                    "STATUS_GUARD_PAGE_VIOLATION, passed through by RtlNtStatusToDosError");
            assertFalse(NtStatus.of(r.ntStatus()).isSuccess());
        }
    }

    @Test
    void pendingOnTheSynchronousHandleIsABackendError() {
        fake.device = (code, req) -> null;
        fake.ioctlStatus = 0x103;
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            BackendException e = assertThrows(BackendException.class,
                    () -> c.control(Protocol.IOCTL_INFO, ByteBuffer.allocate(0), ByteBuffer.allocate(16)));
            assertTrue(e.getMessage().contains("STATUS_PENDING"), e.getMessage());
        }
    }

    /** Every status the contract names: the Windows channel reports the pair the simulated driver does. */
    @Test
    void everyContractStatusIsReportedWithTheSimulatorsWin32Error() {
        fake.device = (code, req) -> null;
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            for (var entry : DosErrors.table().entrySet()) {
                fake.ioctlStatus = entry.getKey();
                if (fake.ioctlStatus == 0x103 || fake.ioctlStatus >= 0) {
                    continue; // STATUS_PENDING is not a completion on a synchronous handle
                }
                IoResult r = c.control(Protocol.IOCTL_INFO, ByteBuffer.allocate(0), ByteBuffer.allocate(16));
                assertEquals(IoResult.failure(entry.getKey(), entry.getValue()), r,
                        NtStatus.of(entry.getKey()).toString());
            }
        }
    }

    @Test
    void driverClaimingMoreThanTheBufferIsRejected() {
        fake.claimBytes = 100;
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            assertThrows(BackendException.class,
                    () -> c.control(Protocol.IOCTL_INFO, ByteBuffer.allocate(0), ByteBuffer.allocate(16)));
        }
    }

    @Test
    void controlDirectPassesTheUserAddressAsOutput() {
        try (WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH)) {
            // The fake writes nothing to the output, so any address is safe here.
            IoResult r = c.controlDirect(Protocol.IOCTL_DIRECT_OUT, ByteBuffer.allocate(8), 0x7ff0_0000_1000L, 8192);
            assertTrue(r.ok());
            assertEquals(0x7ff0_0000_1000L, Pointer.nativeValue(fake.lastOut));
            assertEquals(8192, fake.lastOutLength);
            fake.device = (code, req) -> null;
            fake.ioctlStatus = 0xC0000005;
            IoResult f = c.controlDirect(Protocol.IOCTL_DIRECT_OUT, ByteBuffer.allocate(8), 0x1000L, 4096);
            assertEquals(NtStatus.ACCESS_VIOLATION.value(), f.ntStatus());
            assertEquals(998, f.win32Error());
        }
    }

    @Test
    void closeIsIdempotentAndCallsAfterCloseFail() {
        WindowsDeviceChannel c = WindowsDeviceChannel.open(fake, Protocol.USER_DEVICE_PATH);
        c.close();
        c.close();
        assertEquals(List.of(0x1234L), fake.closed);
        assertThrows(IllegalStateException.class,
                () -> c.control(Protocol.IOCTL_INFO, ByteBuffer.allocate(0), ByteBuffer.allocate(16)));
    }
}
