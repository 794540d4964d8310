package dev.mdlbridge.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.api.AccessMode;
import dev.mdlbridge.api.DeviceCallException;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.UserMemory;
import org.junit.jupiter.api.Test;

/** {@link MdlBridge#openHandle()}: a second handle of the same process shares the memory, not the objects. */
class OpenHandleTest {

    private static final int MDL_PAGES_LOCKED = 0x0002;

    @Test
    void twoHandlesLockTheSameBufferEachWithItsOwnObjects() {
        try (MdlBridge first = MdlBridge.open("simulator", BackendOptions.none())) {
            long buf = first.memory().allocate(0x2000, UserMemory.PAGE_READWRITE, false);
            MdlBridge second = first.openHandle();
            assertSame(first.backend(), second.backend());

            Step a = first.ioAllocateMdl(buf, 0x2000).orThrow();
            Step b = second.ioAllocateMdl(buf, 0x2000).orThrow();
            assertEquals(1, a.objectId(), "ids come from one driver-wide counter");
            assertEquals(2, b.objectId(), "so the second handle's first object is 2, not another 1");
            DeviceCallException other = assertThrows(DeviceCallException.class, () -> second.query(1),
                    "the first handle's id is unknown to the second");
            assertEquals(NtStatus.NOT_FOUND.value(), other.status().value());
            Step la = first.mmProbeAndLockPages(1, AccessMode.USER_MODE, LockOperation.READ).orThrow();
            Step lb = second.mmProbeAndLockPages(2, AccessMode.USER_MODE, LockOperation.READ).orThrow();
            assertArrayEquals(la.after().pfns(), lb.after().pfns(), "the same user pages, locked twice");
            // counters are the process's, over both handles: 2 MDLs, 2 pages locked by each
            assertEquals(new Counters(2, 0, 0, 4), first.counters());

            assertEquals(new Counters(1, 0, 0, 2), second.closeAndReport(), "only the second handle's MDL");
            assertEquals(new Counters(1, 0, 0, 2), first.counters());
            assertEquals(MDL_PAGES_LOCKED, first.query(1).after().mdlFlags() & MDL_PAGES_LOCKED);
            assertThrows(IllegalStateException.class, () -> second.query(2), "a closed bridge sends nothing");

            MdlBridge third = first.openHandle();
            DeviceCallException e = assertThrows(DeviceCallException.class, () -> third.query(1),
                    "the first handle's id means nothing to a new handle");
            assertEquals(NtStatus.NOT_FOUND.value(), e.status().value());
            third.close();
            assertEquals(new Counters(1, 0, 0, 2), first.counters(), "closing a handle leaves the backend open");
        }
    }

    @Test
    void closingTheBridgeThatOpenedTheBackendClosesEveryHandleOnIt() {
        MdlBridge first = MdlBridge.open("simulator", BackendOptions.none());
        MdlBridge second = first.openHandle();
        long buf = second.memory().allocate(0x1000, UserMemory.PAGE_READWRITE, false);
        second.ioAllocateMdl(buf, 0x1000).orThrow();
        first.close();
        DeviceCallException e = assertThrows(DeviceCallException.class, second::counters);
        assertEquals(NtStatus.INVALID_HANDLE.value(), e.status().value());
        // its ReleaseAll reports the dead handle, and the bridge is closed all the same
        assertThrows(DeviceCallException.class, second::close);
        assertThrows(IllegalStateException.class, second::openHandle);
    }

    @Test
    void aClosedBridgeOpensNoHandle() {
        MdlBridge first = MdlBridge.open("simulator", BackendOptions.none());
        first.close();
        assertThrows(IllegalStateException.class, first::openHandle);
    }
}
