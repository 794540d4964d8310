package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.ReplyDecoder;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** CONTRACT section 1: ownership, and release on close, on the owner's exit and on RELEASE_ALL. */
class OwnershipAndCleanupTest {

    /** A handle holding one of everything: locked+mapped MDL, user mapping, partial, kernel buffer, page allocation. */
    static void holdEverything(Dev d) {
        long buf = d.buffer(0x3000);
        int id = d.mdl(buf + 0x10, 0x2000);
        d.probe(id, USER_MODE, IO_WRITE_ACCESS);
        d.mapSystem(id);
        d.mapUser(id);
        d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x100, 0x100));
        long kva = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000)).value();
        int k = d.mdl(kva, 0x1000);
        d.probe(k, KERNEL_MODE, IO_READ_ACCESS);
        int pages = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x2000, 0)).objectId();
        d.mapSystem(pages);
        int init = d.ok(IOCTL_INITIALIZE_MDL, Requests.allocateMdl(Dev.ALL, buf, 0x1000)).objectId();
        d.probe(init, USER_MODE, IO_READ_ACCESS);
        assertTrue(d.backend.processLockedPages() > 0);
    }

    @Test
    void releaseAllReturnsWhatItReleasedAndLeavesNothing() {
        try (Dev d = new Dev()) {
            holdEverything(d);
            Counters held = d.handleCounters();
            assertEquals(new Counters(5, 3, 1, 3 + 1 + 1), held);
            Counters released = ReplyDecoder.counters(d.releaseAll().data());
            assertEquals(held, released);
            assertEquals(Counters.ZERO, d.handleCounters());
            assertEquals(0, d.backend.processLockedPages());
            assertFalse(d.backend.bugCheck().isPresent());
            holdEverything(d); // the handle stays usable
            assertEquals(0, d.releaseAll().status().value());
        }
    }

    @Test
    void closeReleasesEverything() {
        try (Dev d = new Dev()) {
            holdEverything(d);
            d.ch.close();
            d.ch.close(); // idempotent
            assertEquals(0, d.backend.processLockedPages());
            IoResult after = d.ch.control(IOCTL_INFO, Requests.header(PfnWindow.NONE), ByteBuffer.allocate(4096));
            assertFalse(after.ok());
            DeviceChannel fresh = d.backend.open();
            d.ch = fresh;
            assertEquals(Counters.ZERO, d.info().driverUse().counters());
            d.processExitAndCheck();
        }
    }

    @Test
    void processExitWithoutCloseReleasesAndDoesNotBugCheck() {
        try (Dev d = new Dev()) {
            holdEverything(d);
            d.backend.processExit();
            assertFalse(d.backend.bugCheck().isPresent());
            d.ch = d.backend.open();
            assertEquals(Counters.ZERO, d.info().driverUse().counters());
        }
    }

    @Test
    void aForeignProcessIsDeniedAndMarksTheHandleShared() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x1000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            DeviceChannel dup = d.backend.duplicateIntoOtherProcess(d.ch);
            Dev.Call c = d.call(dup, IOCTL_INFO, Requests.header(PfnWindow.NONE), REPLY_BUFFER_SIZE);
            IrpFailuresTest.fails(c, 0xC0000022, 5);
            IrpFailuresTest.fails(d.call(dup, IOCTL_UNLOCK, Requests.object(Dev.ALL, id), REPLY_BUFFER_SIZE),
                    0xC0000022, 5);
            assertTrue(d.info().sharedHandle());
            Dev.refused(d.mapUser(id), REFUSE_SHARED_HANDLE);
            // CONTRACT.md §1: a handle found shared makes no new mapping of any kind, lock or page allocation
            Dev.refused(d.mapSystem(id), REFUSE_SHARED_HANDLE);
            Dev.refused(d.probe(d.mdl(buf, 0x1000), USER_MODE, IO_READ_ACCESS), REFUSE_SHARED_HANDLE);
            // The owner exits; the duplicate keeps the file object open, the process-notify callback releases it.
            d.backend.processExit();
            assertFalse(d.backend.bugCheck().isPresent(), "no 0x76: the pages were unlocked for the dead owner");
            IrpFailuresTest.fails(d.call(dup, IOCTL_INFO, Requests.header(PfnWindow.NONE), REPLY_BUFFER_SIZE),
                    0xC0000022, 5);
            d.ch = d.backend.open();
            assertEquals(Counters.ZERO, d.info().driverUse().counters());
            dup.close();
        }
    }

    @Test
    void infoReportsProcessAndDriverUseOverHandles() {
        try (Dev d = new Dev()) {
            d.mdl(0x10000, 0x10);
            DeviceChannel second = d.backend.open();
            d.call(second, IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, 0x10000, 0x10), REPLY_BUFFER_SIZE);
            d.call(second, IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000), REPLY_BUFFER_SIZE);
            var info = d.info();
            assertEquals(new Counters(1, 0, 0, 0), info.handleUse().counters());
            assertEquals(new Counters(2, 0, 1, 0), info.processUse().counters());
            assertEquals(new Counters(2, 0, 1, 0), info.driverUse().counters());
            assertEquals(d.backend.currentProcess().id(), info.processId());
            assertEquals(LIMIT_HANDLE_OBJECTS, info.handleLimits().maxObjects());
            assertEquals(LIMIT_DRIVER_MDL_POOL_BYTES, info.driverLimits().maxMdlPoolBytes());
            second.close();
            assertEquals(new Counters(1, 0, 0, 0), d.info().driverUse().counters());
        }
    }
}
