package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import org.junit.jupiter.api.Test;

/** CONTRACT sections 2 and 6 along the normal lifecycle, one step at a time, through the device boundary. */
class LifecycleTest {

    @Test
    void readLockOfOnePageGoes8ToAToBToAToEight() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x2000);
            Reply a = d.allocate(buf + 0x10, 0x100);
            MdlSnapshot s = a.after().orElseThrow();
            int id = a.objectId();
            assertEquals(0x0008, s.mdlFlags());
            assertEquals(0, s.valid(), "after IoAllocateMdl Process, MappedSystemVa and PFNs are undefined");
            assertEquals(0, s.process());
            assertEquals(0, s.mappedSystemVa());
            assertEquals(0, s.pfns().length);
            assertEquals(56, s.size());
            assertEquals(buf, s.startVa());
            assertEquals(buf + 0x10, s.virtualAddress());
            assertEquals(0x100, s.byteCount());
            assertEquals(0x10, s.byteOffset());
            assertEquals(1, s.pfnCount());
            assertEquals(1, s.pfnCapacity());
            assertEquals(s.mdlAddress(), a.value(), "ALLOCATE_MDL returns the MDL's address");

            Reply p = d.probe(id, USER_MODE, IO_READ_ACCESS);
            assertEquals(0, p.status().value());
            assertEquals(0x0008, p.before().orElseThrow().mdlFlags());
            MdlSnapshot locked = p.after().orElseThrow();
            assertEquals(0x000A, locked.mdlFlags());
            assertEquals(VALID_PROCESS | VALID_PFNS, locked.valid());
            assertEquals(d.backend.currentProcess().eprocess(), locked.process());
            assertEquals(1, locked.pfns().length);
            assertTrue(d.backend.pfnLockCount(locked.pfns()[0]) >= 1);
            assertEquals(1, d.backend.processLockedPages());
            assertEquals(new Counters(1, 0, 0, 1), d.handleCounters());

            Reply m = d.mapSystem(id);
            MdlSnapshot mapped = m.after().orElseThrow();
            assertEquals(0x000B, mapped.mdlFlags());
            assertEquals(VALID_PROCESS | VALID_MAPPED_SYSTEM_VA | VALID_PFNS, mapped.valid());
            assertNotEquals(0, mapped.mappedSystemVa());
            assertEquals(mapped.mappedSystemVa(), m.value());
            assertEquals(0x10, mapped.mappedSystemVa() & 0xFFF, "MappedSystemVa includes ByteOffset");
            assertEquals(new Counters(1, 1, 0, 1), d.handleCounters());

            MdlSnapshot unmapped = d.unmapSystem(id).after().orElseThrow();
            assertEquals(0x000A, unmapped.mdlFlags());
            assertFalse(unmapped.mappedSystemVaValid(), "stale MappedSystemVa is reported invalid");
            assertEquals(0, unmapped.mappedSystemVa());

            Reply u = d.unlock(id);
            MdlSnapshot before = u.before().orElseThrow();
            assertArrayEquals(locked.pfns(), before.pfns(), "the PFNs are copied before MmUnlockPages");
            MdlSnapshot after = u.after().orElseThrow();
            assertEquals(0x0008, after.mdlFlags());
            assertEquals(VALID_PROCESS, after.valid(), "the PFN array is undefined after unlock");
            assertEquals(0, after.pfns().length);
            assertEquals(0, d.backend.processLockedPages());

            Reply f = d.free(id);
            assertEquals(0, f.status().value());
            assertEquals(Counters.ZERO, d.handleCounters());
            assertEquals(0xC0000225, d.call(IOCTL_QUERY, Requests.object(Dev.ALL, id)).io().ntStatus(),
                    "a freed id is unknown (STATUS_NOT_FOUND)");
        }
    }

    @Test
    void writeLockGoes8AThen8BThen8AThen88AndDataFlowsBothWays() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x1000);
            assertEquals(0x008A, d.probe(id, USER_MODE, IO_WRITE_ACCESS).after().orElseThrow().mdlFlags());
            Reply m = d.mapSystem(id);
            assertEquals(0x008B, m.after().orElseThrow().mdlFlags());
            byte[] data = {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF};
            Reply w = d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, id, 0x20, data));
            assertEquals(0, w.status().value());
            assertEquals(4, w.value());
            byte[] back = new byte[4];
            d.mem.read(buf + 0x20, back, 0, 4);
            assertArrayEquals(data, back, "a write through the system mapping lands in the user buffer");
            d.mem.write(buf + 0x30, new byte[] {7, 8}, 0, 2);
            Reply r = d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0x30, 2));
            assertArrayEquals(new byte[] {7, 8}, r.data());
            assertEquals(0x008A, d.unmapSystem(id).after().orElseThrow().mdlFlags());
            assertEquals(0x0088, d.unlock(id).after().orElseThrow().mdlFlags());
            d.free(id);
        }
    }

    @Test
    void unlockOfAMappedMdlEndsItsSystemMapping() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x800);
            d.probe(id, USER_MODE, IO_WRITE_ACCESS);
            d.mapSystem(id);
            MdlSnapshot after = d.unlock(id).after().orElseThrow();
            assertEquals(0x0088, after.mdlFlags());
            assertEquals(new Counters(1, 0, 0, 0), d.handleCounters());
            Dev.refused(d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0, 1)), REFUSE_MAPPING_ENDED);
        }
    }

    @Test
    void sizeOfMdlIsTheKernelsArithmetic() {
        try (Dev d = new Dev()) {
            assertEquals(48, d.ok(IOCTL_SIZE_OF_MDL, Requests.range(0, 0)).value());
            assertEquals(56, d.ok(IOCTL_SIZE_OF_MDL, Requests.range(0, 1)).value());
            assertEquals(64, d.ok(IOCTL_SIZE_OF_MDL, Requests.range(0xFFF, 2)).value());
            assertEquals(48 + 8L * 0x100000, d.ok(IOCTL_SIZE_OF_MDL, Requests.range(0x1, 0xFFFFF000L)).value());
        }
    }

    @Test
    void initializedMdlLivesInSeparateStorageAndIsFreedWithExFreePool() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x3000);
            Reply a = d.ok(IOCTL_INITIALIZE_MDL, Requests.allocateMdl(Dev.ALL, buf, 0x3000));
            MdlSnapshot s = a.after().orElseThrow();
            assertEquals(KIND_INITIALIZED, s.kind());
            assertEquals(0, s.mdlFlags() & 0x8, "MmInitializeMdl storage is not a lookaside MDL");
            assertEquals(72, s.size());
            int id = a.objectId();
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            d.unlock(id);
            Dev.refused(d.free(id), REFUSE_FREE_WRONG_METHOD);
            assertEquals(0, d.ok(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, id, FREE_EXFREEPOOL)).status().value());
            assertEquals(Counters.ZERO, d.handleCounters());
        }
    }

    @Test
    void kernelBufferIsZeroedPageAlignedAndProbedWithKernelMode() {
        try (Dev d = new Dev()) {
            Reply k = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1801));
            long va = k.value();
            assertEquals(0, va & 0xFFF);
            assertTrue(va < 0, "a kernel address");
            assertEquals(new Counters(0, 0, 1, 0), d.handleCounters());
            assertEquals(0x2000, d.info().handleUse().kernelBufferBytes(), "rounded up to whole pages");
            int id = d.mdl(va + 0x100, 0x1000);
            MdlSnapshot locked = d.probe(id, KERNEL_MODE, IO_WRITE_ACCESS).after().orElseThrow();
            assertEquals(0x008A, locked.mdlFlags());
            assertEquals(0, locked.process(), "Process is NULL for a kernel VA");
            assertEquals(2, locked.pfns().length);
            Reply m = d.mapSystem(id);
            Reply r = d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0, 16));
            assertArrayEquals(new byte[16], r.data(), "kernel buffers are zeroed");
            assertNotEquals(0, m.value());
        }
    }

    @Test
    void nonpagedBuildOfAKernelBufferHasItsOwnAddressAndNoLock() {
        try (Dev d = new Dev()) {
            long va = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000)).value();
            int id = d.mdl(va + 8, 0x100);
            Reply b = d.send(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, id));
            MdlSnapshot s = b.after().orElseThrow();
            assertEquals(0, b.status().value());
            assertEquals(0x000C, s.mdlFlags(), "MDL_SOURCE_IS_NONPAGED_POOL | fixed size, no PAGES_LOCKED");
            assertEquals(va + 8, s.mappedSystemVa());
            assertTrue(s.pfnsValid());
            Reply m = d.mapSystem(id);
            assertEquals(va + 8, m.value(), "MmGetSystemAddressForMdlSafe returns MappedSystemVa itself");
            assertEquals(0, d.handleCounters().outstandingMappings(), "no mapping of its own");
            Dev.refused(d.unmapSystem(id), REFUSE_UNMAP_NOT_OWNED);
            Dev.refused(d.unlock(id), REFUSE_UNLOCK_NONPAGED);
            Dev.refused(d.send(IOCTL_POOL_FREE, Requests.object(Dev.ALL, 1)), REFUSE_POOL_IN_USE);
            d.free(id);
            assertEquals(0, d.send(IOCTL_POOL_FREE, Requests.object(Dev.ALL, 1)).status().value());
        }
    }

    @Test
    void aMappedPartialFollowsItsSourceAndIsUnmappedByItsFree() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x2000);
            int src = d.mdl(buf, 0x2000);
            d.probe(src, USER_MODE, IO_WRITE_ACCESS);
            Reply p = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, src, 0x1800, 0x400));
            int partial = p.objectId();
            MdlSnapshot ps = p.snapshots().get(0);
            assertEquals(KIND_PARTIAL, ps.kind());
            assertEquals(0x0010, ps.mdlFlags() & 0x0013, "MDL_PARTIAL, no PAGES_LOCKED, not mapped");
            assertEquals(2, p.snapshots().size(), "the partial, then its source");
            assertEquals(src, p.snapshots().get(1).objectId());
            MdlSnapshot mapped = d.mapSystem(partial).after().orElseThrow();
            assertEquals(0x0031, mapped.mdlFlags() & 0x0031, "MDL_PARTIAL_HAS_BEEN_MAPPED");
            assertEquals(1, d.handleCounters().outstandingMappings());
            d.ok(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, partial, 0x3FF, new byte[] {9}));
            byte[] one = new byte[1];
            d.mem.read(buf + 0x1BFF, one, 0, 1);
            assertEquals(9, one[0], "written through the partial's own mapping");
            d.free(partial);
            assertEquals(0, d.handleCounters().outstandingMappings(), "IoFreeMdl unmapped the partial");
            assertEquals(0, d.unlock(src).status().value());
            int readSrc = d.mdl(buf, 0x1000);
            d.probe(readSrc, USER_MODE, IO_READ_ACCESS);
            int rp = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, readSrc, 0, 0x10)).objectId();
            d.mapSystem(rp);
            Dev.refused(d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, rp, 0, new byte[1])),
                    REFUSE_WRITE_NOT_ALLOWED);
        }
    }
}
