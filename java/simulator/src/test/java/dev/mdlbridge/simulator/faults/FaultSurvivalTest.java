package dev.mdlbridge.simulator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.simulator.fuzz.RawHandle;
import dev.mdlbridge.simulator.fuzz.RawHandle.Outcome;
import dev.mdlbridge.simulator.fuzz.Sim;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.UserMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What happens to everything a handle holds when the handle goes away in the middle of things, when another
 * process uses it, and when the machine runs out of pool or system PTEs (CONTRACT.md sections 1, 4 and 7).
 */
class FaultSurvivalTest {

    static final int PAGE = 4096;

    /** What {@link #holdEverything} built. */
    record Held(long[] lockedPfns, int objects) {
    }

    /**
     * A locked (write) MDL with a system mapping, a user mapping and a partial; a KernelMode-probed and a
     * nonpaged MDL over a kernel buffer; an MmInitializeMdl MDL; a page allocation with a system mapping.
     */
    static Held holdEverything(Sim sim, RawHandle h) {
        UserMemory mem = sim.backend.userMemory();
        long buf = mem.allocate(64 * 1024, UserMemory.PAGE_READWRITE, false);
        int a = h.allocateMdl(buf + 0x123, 40_000);
        Reply locked = h.probe(a, Protocol.USER_MODE, Protocol.IO_WRITE_ACCESS);
        MdlSnapshot after = locked.after().orElseThrow();
        assertTrue(after.pfnsValid() && after.pfns().length == after.pfnCount(), "locked PFNs in the reply");
        h.mapSystem(a);
        h.mapUser(a);
        h.buildPartial(a, 0x1000, 8192);
        long[] kb = h.poolAllocate(16 * 1024);
        int k1 = h.allocateMdl(kb[1], 8192);
        h.probe(k1, Protocol.KERNEL_MODE, Protocol.IO_READ_ACCESS);
        int k2 = h.allocateMdl(kb[1] + 8192, 4096);
        h.ok("MmBuildMdlForNonPagedPool", Protocol.IOCTL_BUILD_NONPAGED, Requests.object(PfnWindow.NONE, k2));
        h.ok("MmInitializeMdl", Protocol.IOCTL_INITIALIZE_MDL, Requests.allocateMdl(PfnWindow.NONE, buf, 8192));
        int pages = h.allocatePages(64 * 1024);
        h.mapSystem(pages);
        Info info = h.info();
        Counters c = info.handleUse().counters();
        assertEquals(6, c.outstandingMdls(), "MDLs held: " + c);
        assertEquals(1, c.outstandingKernelBuffers(), "kernel buffers held: " + c);
        assertTrue(c.outstandingMappings() >= 3, "mappings held: " + c);
        assertTrue(c.lockedPages() >= after.pfnCount() + 2, "locked pages: " + c);
        assertTrue(sim.control.processLockedPages() >= after.pfnCount(), "the kernel counts the locks");
        return new Held(after.pfns(), (int) info.handleUse().objects());
    }

    static void assertNothingHeld(Sim sim, String when) {
        assertEquals(java.util.Optional.empty(), sim.control.bugCheck(), when + ": no bug check");
        RawHandle fresh = sim.open();
        try {
            Info info = fresh.info();
            assertEquals(Counters.ZERO, info.processUse().counters(), when + ": the process holds nothing");
            assertEquals(Counters.ZERO, info.driverUse().counters(), when + ": the driver holds nothing");
            assertEquals(0, info.driverUse().objects(), when + ": no objects in any table");
            assertEquals(0, info.driverUse().lockedBytes(), when + ": no bytes locked");
            assertEquals(0, info.driverUse().kernelBufferBytes(), when + ": no kernel-buffer bytes");
            assertEquals(0, info.driverUse().pageAllocationBytes(), when + ": no page allocations");
            assertEquals(0, sim.control.processLockedPages(), when + ": the kernel counts no locked pages");
        } finally {
            fresh.channel.close();
        }
    }

    @ParameterizedTest(name = "{0}, verifier and TrackLockedPages {1}")
    @CsvSource({"win10-x64, false", "win10-x64, true", "win7-x64, true", "nt52-x64, false"})
    void closingAHandleReleasesEverythingItHolds(String profile, boolean strict) {
        try (Sim sim = Sim.of("profile", profile, "verifier", "" + strict, "trackLockedPages", "" + strict)) {
            RawHandle h = sim.open();
            Held held = holdEverything(sim, h);
            h.channel.close(); // IRP_MJ_CLEANUP, no ReleaseAll
            assertNothingHeld(sim, "after CloseHandle");
            for (long pfn : held.lockedPfns()) {
                assertTrue(sim.control.pfnLockCount(pfn) <= 0, "PFN 0x" + Long.toHexString(pfn) + " still locked");
            }
            h.channel.close(); // idempotent
            assertNothingHeld(sim, "after a second close");
        }
    }

    @ParameterizedTest(name = "{0}, verifier and TrackLockedPages {1}")
    @CsvSource({"win10-x64, false", "win10-x64, true", "win7-x64, true"})
    void theOwningProcessExitingReleasesEverything(String profile, boolean strict) {
        try (Sim sim = Sim.of("profile", profile, "verifier", "" + strict, "trackLockedPages", "" + strict)) {
            RawHandle h1 = sim.open();
            RawHandle h2 = sim.open();
            Held held = holdEverything(sim, h1);
            holdEverything(sim, h2);
            sim.control.processExit(); // handles never closed by the process: the notify routine releases
            assertNothingHeld(sim, "after the process exited");
            for (long pfn : held.lockedPfns()) {
                assertTrue(sim.control.pfnLockCount(pfn) <= 0, "PFN 0x" + Long.toHexString(pfn) + " still locked");
            }
        }
    }

    @Test
    void aDuplicatedHandleIsRefusedInTheOtherProcessAndReleasedWhenTheOwnerExits() {
        try (Sim sim = Sim.of("verifier", "true", "trackLockedPages", "true")) {
            RawHandle h = sim.open();
            holdEverything(sim, h);
            Counters before = h.info().handleUse().counters();
            long buf = sim.backend.userMemory().allocate(8192, UserMemory.PAGE_READWRITE, false);
            int m = h.allocateMdl(buf, 8192);
            h.probe(m, Protocol.USER_MODE, Protocol.IO_READ_ACCESS);

            DeviceChannel dup = sim.control.duplicateIntoOtherProcess(h.channel);
            RawHandle other = new RawHandle(dup);
            int[] codes = {Protocol.IOCTL_INFO, Protocol.IOCTL_RELEASE_ALL, Protocol.IOCTL_QUERY, Protocol.IOCTL_UNLOCK,
                    Protocol.IOCTL_FREE_MDL, Protocol.IOCTL_MAP_SYSTEM, Protocol.IOCTL_MAP_USER,
                    Protocol.IOCTL_ALLOCATE_MDL, Protocol.IOCTL_POOL_ALLOCATE};
            ByteBuffer[] requests = {Requests.header(PfnWindow.NONE), Requests.header(PfnWindow.NONE),
                    Requests.object(PfnWindow.FIRST, m), Requests.object(PfnWindow.FIRST, m),
                    Requests.freeMdl(PfnWindow.NONE, m, Protocol.FREE_IOFREEMDL),
                    Requests.mapSystem(PfnWindow.NONE, m, Protocol.NORMAL_PAGE_PRIORITY),
                    Requests.mapUser(PfnWindow.NONE, m, Protocol.MM_CACHED, 0, Protocol.NORMAL_PAGE_PRIORITY),
                    Requests.allocateMdl(PfnWindow.NONE, buf, 4096), Requests.poolAllocate(4096)};
            for (int i = 0; i < codes.length; i++) {
                Outcome o = other.send(codes[i], requests[i]);
                assertFalse(o.irpOk(), String.format("code 0x%08X from the other process completed", codes[i]));
                assertEquals(NtStatus.ACCESS_DENIED, o.irpStatus(), String.format("code 0x%08X", codes[i]));
            }
            Counters afterForeign = h.info().handleUse().counters();
            assertEquals(before.outstandingMdls() + 1, afterForeign.outstandingMdls(), "nothing released by them");
            assertTrue(h.info().sharedHandle(), "Info says the handle has been used by another process");

            // The owner can go on, but no longer creates user mappings on a shared handle.
            Outcome mapUser = h.send(Protocol.IOCTL_MAP_USER,
                    Requests.mapUser(PfnWindow.NONE, m, Protocol.MM_CACHED, 0, Protocol.NORMAL_PAGE_PRIORITY));
            assertTrue(mapUser.irpOk());
            assertEquals(NtStatus.INVALID_DEVICE_STATE, mapUser.reply().status());
            assertEquals(Protocol.REFUSE_SHARED_HANDLE, mapUser.reply().detail());

            sim.control.processExit(); // the owner dies; the other process still has the handle open
            assertNothingHeld(sim, "after the owner exited");
            Outcome late;
            try {
                late = other.send(Protocol.IOCTL_INFO, Requests.header(PfnWindow.NONE));
            } catch (RuntimeException e) {
                throw new AssertionError("a call on the duplicated handle after the owner exited threw", e);
            }
            assertFalse(late.irpOk(), "the duplicated handle is still not the owner's");
            assertFalse(late.irpStatus().name().startsWith("NTSTATUS_"), "a known status: " + late.irpStatus());
            dup.close();
            assertNothingHeld(sim, "after the other process closed its handle");
        }
    }

    // ------------------------------------------------------------------------------------------ pool

    /**
     * One scenario, run with the pool failing after N more allocations for every N: each step either works or
     * fails with STATUS_INSUFFICIENT_RESOURCES, what failed leaves nothing behind (the counters match exactly
     * what succeeded), and ReleaseAll returns the machine to zero.
     */
    @ParameterizedTest(name = "pool fails after {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 20})
    void poolFailureMidScenarioLeavesNothingHalfDone(int failAfter) {
        try (Sim sim = Sim.of("poolFailAfter", Integer.toString(failAfter), "verifier", "true")) {
            RawHandle h = sim.open();
            UserMemory mem = sim.backend.userMemory();
            long buf = mem.allocate(256 * 1024, UserMemory.PAGE_READWRITE, false);
            int mdls = 0;
            int mappings = 0;
            int kernelBuffers = 0;
            int insufficient = 0;
            List<String> trace = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                Outcome a = step(h, trace, "IoAllocateMdl", Protocol.IOCTL_ALLOCATE_MDL,
                        Requests.allocateMdl(PfnWindow.NONE, buf + round * 0x1234L, 60_000));
                if (!a.status().isSuccess()) {
                    insufficient++;
                    continue;
                }
                mdls++;
                int id = a.objectId();
                if (!step(h, trace, "probe", Protocol.IOCTL_PROBE_AND_LOCK,
                        Requests.probe(PfnWindow.NONE, id, Protocol.USER_MODE, Protocol.IO_WRITE_ACCESS))
                        .status().isSuccess()) {
                    insufficient++;
                    continue;
                }
                if (step(h, trace, "map system", Protocol.IOCTL_MAP_SYSTEM,
                        Requests.mapSystem(PfnWindow.NONE, id, Protocol.NORMAL_PAGE_PRIORITY)).status().isSuccess()) {
                    mappings++;
                } else {
                    insufficient++;
                }
                Outcome p = step(h, trace, "partial", Protocol.IOCTL_BUILD_PARTIAL,
                        Requests.buildPartial(PfnWindow.NONE, id, 0x800, 20_000));
                if (p.status().isSuccess()) {
                    mdls++;
                } else {
                    insufficient++;
                }
                if (step(h, trace, "pool", Protocol.IOCTL_POOL_ALLOCATE, Requests.poolAllocate(8192))
                        .status().isSuccess()) {
                    kernelBuffers++;
                } else {
                    insufficient++;
                }
                if (step(h, trace, "MmInitializeMdl", Protocol.IOCTL_INITIALIZE_MDL,
                        Requests.allocateMdl(PfnWindow.NONE, buf, 12_000)).status().isSuccess()) {
                    mdls++;
                } else {
                    insufficient++;
                }
                Outcome pg = step(h, trace, "pages", Protocol.IOCTL_ALLOCATE_PAGES,
                        Requests.allocatePages(PfnWindow.NONE, 32 * 1024, 0));
                if (pg.status().isSuccess()) {
                    mdls++;
                    if (step(h, trace, "map pages", Protocol.IOCTL_MAP_SYSTEM,
                            Requests.mapSystem(PfnWindow.NONE, pg.objectId(), Protocol.NORMAL_PAGE_PRIORITY))
                            .status().isSuccess()) {
                        mappings++;
                    } else {
                        insufficient++;
                    }
                } else {
                    insufficient++;
                }
                Outcome chain = step(h, trace, "chain", Protocol.IOCTL_DESCRIBE_CHAIN, Requests.chain(PfnWindow.NONE,
                        List.of(new Requests.ChainRange(buf, 5000, 0), new Requests.ChainRange(buf + 9000, 9000, 1)),
                        Protocol.CLEANUP_DRIVER));
                if (!chain.status().isSuccess()) {
                    insufficient++;
                }
            }
            Counters c = h.info().handleUse().counters();
            String ctx = "pool fails after " + failAfter + ": " + String.join(", ", trace);
            assertEquals(mdls, c.outstandingMdls(), ctx);
            assertEquals(kernelBuffers, c.outstandingKernelBuffers(), ctx);
            assertEquals(mappings, c.outstandingMappings(), ctx);
            if (failAfter <= 8) {
                assertTrue(insufficient > 0, "the injected failure was reached: " + ctx);
            }
            h.releaseAll();
            assertEquals(Counters.ZERO, h.info().handleUse().counters(), ctx);
            h.channel.close();
            assertNothingHeld(sim, ctx);
        }
    }

    /** A step that must succeed or fail cleanly with STATUS_INSUFFICIENT_RESOURCES. */
    static Outcome step(RawHandle h, List<String> trace, String what, int code, ByteBuffer request) {
        Outcome o = h.send(code, request);
        assertTrue(o.irpOk(), what + ": the IRP failed with " + o.irpStatus());
        NtStatus st = o.reply().status();
        trace.add(what + "=" + (st.isSuccess() ? "ok" : st.name()));
        assertTrue(st.isSuccess() || st.equals(NtStatus.INSUFFICIENT_RESOURCES),
                what + " returned " + st + " (stage " + o.reply().stage() + ", detail " + o.reply().detail() + ")");
        return o;
    }

    // ---------------------------------------------------------------------------------------- PTEs

    @Test
    void systemPteExhaustionFailsMappingsCleanly() {
        try (Sim sim = Sim.of("systemPtesAvailable", "10", "trackLockedPages", "true")) {
            RawHandle h = sim.open();
            long buf = sim.backend.userMemory().allocate(128 * 1024, UserMemory.PAGE_READWRITE, false);
            int big = h.allocateMdl(buf, 16 * PAGE);
            h.probe(big, Protocol.USER_MODE, Protocol.IO_READ_ACCESS);
            Outcome o = h.send(Protocol.IOCTL_MAP_SYSTEM, Requests.mapSystem(PfnWindow.NONE, big,
                    Protocol.NORMAL_PAGE_PRIORITY | Protocol.MAPPING_NO_EXECUTE));
            assertTrue(o.irpOk());
            assertEquals(NtStatus.INSUFFICIENT_RESOURCES, o.reply().status(), "16 pages do not fit 10 PTEs");
            assertEquals(Protocol.STAGE_DDI, o.reply().stage());
            MdlSnapshot s = o.reply().after().orElseThrow();
            assertEquals(0, s.mdlFlags() & 0x0001, "no MDL_MAPPED_TO_SYSTEM_VA after a failed mapping");
            assertEquals(0, h.info().handleUse().counters().outstandingMappings());

            int small = h.allocateMdl(buf + 16 * PAGE, 4 * PAGE);
            h.probe(small, Protocol.USER_MODE, Protocol.IO_READ_ACCESS);
            assertNotEquals(0, h.mapSystem(small), "4 pages fit");
            int partial = h.buildPartial(big, 0, 4 * PAGE);
            Outcome pm = h.send(Protocol.IOCTL_MAP_SYSTEM, Requests.mapSystem(PfnWindow.NONE, partial,
                    Protocol.NORMAL_PAGE_PRIORITY | Protocol.MAPPING_NO_EXECUTE));
            assertTrue(pm.irpOk());
            assertTrue(pm.reply().status().isSuccess() || pm.reply().status().equals(NtStatus.INSUFFICIENT_RESOURCES),
                    "partial mapping: " + pm.reply().status());
            // 7 pages never fit what is left (2 or 6 PTEs, or fewer with guard PTEs) but fit once all is unmapped
            int third = h.allocateMdl(buf + 24 * PAGE, 7 * PAGE);
            h.probe(third, Protocol.USER_MODE, Protocol.IO_READ_ACCESS);
            Outcome t = h.send(Protocol.IOCTL_MAP_SYSTEM, Requests.mapSystem(PfnWindow.NONE, third,
                    Protocol.NORMAL_PAGE_PRIORITY | Protocol.MAPPING_NO_EXECUTE));
            assertEquals(NtStatus.INSUFFICIENT_RESOURCES, t.reply().status(), "the PTEs are used up");
            // unmapping gives the PTEs back
            h.ok("unmap", Protocol.IOCTL_UNMAP, Requests.mapping(PfnWindow.NONE, 0, small));
            if (pm.reply().status().isSuccess()) {
                h.ok("free mapped partial", Protocol.IOCTL_FREE_MDL,
                        Requests.freeMdl(PfnWindow.NONE, partial, Protocol.FREE_IOFREEMDL));
            }
            assertNotEquals(0, h.mapSystem(third), "PTEs came back with the unmap");
            h.channel.close();
            assertNothingHeld(sim, "after close");
        }
    }

    // ------------------------------------------------------------------------------ close vs IOCTL

    @Test
    void concurrentCloseAndIoctlOnOneHandleNeitherThrowsNorLeaks() throws Exception {
        try (Sim sim = Sim.of("trackLockedPages", "true")) {
            long buf = sim.backend.userMemory().allocate(256 * 1024, UserMemory.PAGE_READWRITE, false);
            SplittableRandom random = new SplittableRandom(5);
            for (int round = 0; round < 150; round++) {
                DeviceChannel ch = sim.backend.open();
                AtomicReference<Throwable> escaped = new AtomicReference<>();
                AtomicReference<String> unclean = new AtomicReference<>();
                long seed = random.nextLong();
                Thread worker = new Thread(() -> hammer(ch, buf, seed, escaped, unclean));
                worker.start();
                Thread.sleep(0, random.nextInt(999_999));
                if (random.nextBoolean()) {
                    Thread.sleep(random.nextInt(3));
                }
                try {
                    ch.close();
                } catch (RuntimeException e) {
                    throw new AssertionError("close threw while an IOCTL was in flight", e);
                }
                worker.join(10_000);
                assertFalse(worker.isAlive(), "the IOCTL thread hangs after close");
                assertEquals(null, escaped.get(), "an exception escaped the channel");
                assertEquals(null, unclean.get());
                assertNothingHeld(sim, "round " + round);
            }
        }
    }

    /** Allocate / probe / map / unlock / free in a loop until the channel says it is closed. */
    static void hammer(DeviceChannel ch, long buf, long seed, AtomicReference<Throwable> escaped,
                       AtomicReference<String> unclean) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer reply = ByteBuffer.allocate(Protocol.REPLY_BUFFER_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try {
            for (int i = 0; i < 100_000; i++) {
                int len = 1 + r.nextInt(64 * 1024);
                reply.clear();
                IoResult a = ch.control(Protocol.IOCTL_ALLOCATE_MDL,
                        Requests.allocateMdl(PfnWindow.NONE, buf + r.nextInt(4096), len), reply);
                if (!a.ok()) {
                    checkClosedStatus(a, unclean);
                    return;
                }
                int id = reply.getInt(24);
                int[] codes = {Protocol.IOCTL_PROBE_AND_LOCK, Protocol.IOCTL_MAP_SYSTEM, Protocol.IOCTL_UNLOCK,
                        Protocol.IOCTL_FREE_MDL};
                ByteBuffer[] reqs = {Requests.probe(PfnWindow.FIRST, id, Protocol.USER_MODE, r.nextInt(3)),
                        Requests.mapSystem(PfnWindow.NONE, id, Protocol.NORMAL_PAGE_PRIORITY),
                        Requests.object(PfnWindow.FIRST, id),
                        Requests.freeMdl(PfnWindow.NONE, id, Protocol.FREE_IOFREEMDL)};
                for (int k = 0; k < codes.length; k++) {
                    reply.clear();
                    IoResult o = ch.control(codes[k], reqs[k], reply);
                    if (!o.ok()) {
                        checkClosedStatus(o, unclean);
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            escaped.set(t);
        }
    }

    static void checkClosedStatus(IoResult r, AtomicReference<String> unclean) {
        NtStatus st = NtStatus.of(r.ntStatus());
        if (st.isSuccess() || st.name().startsWith("NTSTATUS_")) {
            unclean.set("a call on a closing handle failed with " + st);
        }
    }
}
