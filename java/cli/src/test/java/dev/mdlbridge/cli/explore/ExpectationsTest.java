package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mdlbridge.protocol.Protocol;
import org.junit.jupiter.api.Test;

/**
 * The model-based invariants of mappings, cache types and reservations: after the successes a sequence made, which
 * next step's success is a finding (CONTRACT.md §2 and 3.13). Each case builds the state with successful steps, as
 * the executor reports them, and asks what the next step's success would be.
 */
class ExpectationsTest {

    private final Model m = new Model();
    private int ids = 100;

    private void ok(Action a, long value) {
        m.apply(a, new StepResult(0, Protocol.STAGE_DONE, 0, ids++, value, false, false, null));
    }

    private String kindIfSucceeds(Action a) {
        Violation v = Expectations.ifSucceeds(m, a);
        return v == null ? null : v.kind();
    }

    /** k1: a kernel buffer; m1: an MDL over it, built for nonpaged pool or (locked) not. */
    private void lockedMdl(boolean nonpaged) {
        ok(Action.of("ExAllocatePool", Action.MAIN, "as", "k1", "size", 0x2000L), -0x100000000L);
        Action alloc = Action.of("IoAllocateMdl", Action.MAIN, "as", "m1", "buffer", "k1", "offset", 0x10L,
                "length", 0x1000L);
        m.noteStart(alloc, -0x100000000L + 0x10);
        ok(alloc, -0x100001000L);
        if (nonpaged) {
            ok(Action.of("MmBuildMdlForNonPagedPool", Action.MAIN, "mdl", "m1"), 0);
        } else {
            ok(Action.of("MmProbeAndLockPages", Action.MAIN, "mdl", "m1", "accessMode", "KernelMode", "operation",
                    "IoWriteAccess"), 0);
        }
    }

    private static Action kernelMap(String as, String mdl) {
        return Action.of("MmMapLockedPagesSpecifyCache", Action.MAIN, "as", as, "mdl", mdl, "accessMode",
                "KernelMode", "cacheType", "MmCached", "priority", "NormalPagePriority");
    }

    private static Action reserve(String as, long size) {
        return Action.of("MmAllocateMappingAddress", Action.MAIN, "as", as, "size", size);
    }

    private static Action mapReserved(String as, String res, String mdl) {
        return Action.of("MmMapLockedPagesWithReservedMapping", Action.MAIN, "as", as, "reservation", res, "mdl",
                mdl, "cacheType", "MmCached");
    }

    @Test
    void aSecondSystemMappingOfOneMdlIsAFindingAndTheFirstIsNot() {
        lockedMdl(false);
        assertNull(kindIfSucceeds(kernelMap("v1", "m1")));
        ok(kernelMap("v1", "m1"), -0x200000000L);
        assertEquals("second-system-mapping", kindIfSucceeds(kernelMap("v2", "m1")));
        ok(reserve("r1", 0x2000), -0x300000000L);
        assertEquals("second-system-mapping", kindIfSucceeds(mapReserved("v3", "r1", "m1")));
        // unmapping by the mapping's id ends the MDL's system mapping: a new one is fine again
        ok(Action.of("MmUnmapLockedPages", Action.MAIN, "mapping", "v1"), 0);
        assertNull(kindIfSucceeds(kernelMap("v4", "m1")));
    }

    @Test
    void aNonpagedMdlAlreadyHasItsSystemAddress() {
        lockedMdl(true);
        assertEquals("second-system-mapping", kindIfSucceeds(kernelMap("v1", "m1")));
    }

    @Test
    void aMappingWithAnotherMemoryTypeThanThePagesIsAnAlias() {
        ok(Action.of("MmAllocatePagesForMdlEx", Action.MAIN, "as", "m1", "size", 0x2000L, "lowAddress", 0L,
                "highAddress", Protocol.HIGHEST_PHYSICAL_ADDRESS, "skipBytes", 0L, "cacheType", "MmNonCached",
                "flags", 0L), 0x2000);
        assertEquals("memory-type-alias", kindIfSucceeds(kernelMap("v1", "m1")));
        assertEquals("memory-type-alias", kindIfSucceeds(Action.of("MmGetSystemAddressForMdlSafe", Action.MAIN,
                "mdl", "m1", "priority", "NormalPagePriority")));
        assertNull(kindIfSucceeds(kernelMap("v1", "m1").with("cacheType", "MmNonCached")));
        // a partial carries its source's type
        ok(Action.of("IoBuildPartialMdl", Action.MAIN, "as", "m2", "source", "m1", "offset", 0x1000L, "length",
                0x1000L), 0);
        assertEquals("memory-type-alias", kindIfSucceeds(Action.of("MmMapLockedPagesSpecifyCache", Action.MAIN,
                "as", "v2", "mdl", "m2", "cacheType", "MmWriteCombined")));
    }

    @Test
    void aReservedMappingPinsItsMdlAndItsReservation() {
        lockedMdl(false);
        ok(reserve("r1", 0x2000), -0x300000000L);
        ok(mapReserved("v1", "r1", "m1"), -0x300000000L + 0x10);
        for (String op : new String[] {"MmUnlockPages", "IoFreeMdl", "MmFreePagesFromMdl", "MmUnmapLockedPages"}) {
            assertEquals("reserved-mapping-released", kindIfSucceeds(Action.of(op, Action.MAIN, "mdl", "m1")), op);
        }
        assertEquals("reserved-mapping-released", kindIfSucceeds(Action.of("MmUnmapLockedPages", Action.MAIN,
                "mapping", "v1")));
        assertEquals("reservation-freed-while-mapped", kindIfSucceeds(Action.of("MmFreeMappingAddress",
                Action.MAIN, "reservation", "r1")));
        ok(reserve("r2", 0x2000), -0x310000000L);
        assertEquals("second-system-mapping", kindIfSucceeds(mapReserved("v2", "r2", "m1")));
        // after MmUnmapReservedMapping everything is allowed again
        ok(Action.of("MmUnmapReservedMapping", Action.MAIN, "reservation", "r1", "mdl", "m1"), 0);
        assertNull(kindIfSucceeds(Action.of("MmUnlockPages", Action.MAIN, "mdl", "m1")));
        assertNull(kindIfSucceeds(Action.of("MmFreeMappingAddress", Action.MAIN, "reservation", "r1")));
        assertNull(kindIfSucceeds(mapReserved("v3", "r1", "m1")));
    }

    @Test
    void aReservationTakesOneMdlThatFits() {
        lockedMdl(false); // m1: 0x1000 bytes at page offset 0x10, so it spans 2 pages
        ok(reserve("r1", 0x1000), -0x300000000L);
        assertEquals("reservation-overfilled", kindIfSucceeds(mapReserved("v1", "r1", "m1")));
        ok(reserve("r2", 0x2000), -0x310000000L);
        assertNull(kindIfSucceeds(mapReserved("v1", "r2", "m1")));
        ok(mapReserved("v1", "r2", "m1"), -0x310000000L + 0x10);
        Action other = Action.of("IoAllocateMdl", Action.MAIN, "as", "m2", "buffer", "k1", "length", 0x10L);
        m.noteStart(other, -0x100000000L);
        ok(other, -0x100002000L);
        ok(Action.of("MmProbeAndLockPages", Action.MAIN, "mdl", "m2", "accessMode", "KernelMode"), 0);
        assertEquals("reservation-overfilled", kindIfSucceeds(mapReserved("v2", "r2", "m2")));
    }

    @Test
    void transfersStayInsideWhatTheMappingDescribes() {
        lockedMdl(false);
        ok(kernelMap("v1", "m1"), -0x200000000L);
        assertNull(kindIfSucceeds(Action.of("ReadMapped", Action.MAIN, "mapping", "v1", "offset", 0xFF0L, "size",
                0x10L)));
        assertEquals("transfer-out-of-range", kindIfSucceeds(Action.of("ReadMapped", Action.MAIN, "mapping", "v1",
                "offset", 0xFF0L, "size", 0x11L)));
        assertEquals("transfer-out-of-range", kindIfSucceeds(Action.of("WriteMapped", Action.MAIN, "mdl", "m1",
                "offset", 0x1000L, "hex", "A5")));
    }

    @Test
    void aPartialOfAShortPageAllocationStaysInsideWhatItReturned() {
        // asked 0x3000, got 0x2000 (no MM_ALLOCATE_FULLY_REQUIRED): ByteCount is what the value says
        ok(Action.of("MmAllocatePagesForMdlEx", Action.MAIN, "as", "m1", "size", 0x3000L, "lowAddress", 0x200000L,
                "highAddress", 0x201FFFL, "skipBytes", 0L, "cacheType", "MmCached", "flags", 0L), 0x2000);
        assertNull(kindIfSucceeds(Action.of("IoBuildPartialMdl", Action.MAIN, "as", "m2", "source", "m1", "offset",
                0x1000L, "length", 0x1000L)));
        assertEquals("transfer-out-of-range", kindIfSucceeds(Action.of("IoBuildPartialMdl", Action.MAIN, "as", "m2",
                "source", "m1", "offset", 0x1000L, "length", 0x1001L)));
        ok(Action.of("MmGetSystemAddressForMdlSafe", Action.MAIN, "mdl", "m1", "priority", "NormalPagePriority"), 0);
        assertEquals("transfer-out-of-range", kindIfSucceeds(Action.of("ReadMapped", Action.MAIN, "mdl", "m1",
                "offset", 0x2000L, "size", 1L)));
    }

    @Test
    void aCachedMdlOverUncachedUserPagesIsAnAlias() {
        ok(Action.of("VirtualAlloc", Action.MAIN, "as", "u1", "size", 0x3000L), 0x10000);
        ok(Action.of("VirtualProtect", Action.MAIN, "buffer", "u1", "offset", 0x1000L, "size", 0x1000L, "protect",
                "PAGE_READWRITE|PAGE_WRITECOMBINE"), 0);
        Action first = Action.of("IoAllocateMdl", Action.MAIN, "as", "m1", "buffer", "u1", "length", 0x1000L);
        m.noteStart(first, 0x10000);
        ok(first, -0x100001000L);
        Action both = Action.of("IoAllocateMdl", Action.MAIN, "as", "m2", "buffer", "u1", "length", 0x1001L);
        m.noteStart(both, 0x10000);
        ok(both, -0x100002000L);
        assertNull(kindIfSucceeds(Action.of("MmProbeAndLockPages", Action.MAIN, "mdl", "m1")));
        assertEquals("memory-type-alias", kindIfSucceeds(Action.of("MmProbeAndLockPages", Action.MAIN, "mdl",
                "m2")));
        assertEquals("memory-type-alias", kindIfSucceeds(Action.of("DirectIo", Action.MAIN, "buffer", "u1",
                "offset", 0x1010L, "length", 0x10L)));
        // back to PAGE_READWRITE: nothing uncached is left
        ok(Action.of("VirtualProtect", Action.MAIN, "buffer", "u1", "offset", 0x1000L, "size", 0x1000L, "protect",
                "PAGE_READWRITE"), 0);
        assertNull(kindIfSucceeds(Action.of("MmProbeAndLockPages", Action.MAIN, "mdl", "m2")));
    }

    @Test
    void aDecommittedPageHasNoCacheModifierLeft() {
        ok(Action.of("VirtualAlloc", Action.MAIN, "as", "u1", "size", 0x2000L, "protect",
                "PAGE_READWRITE|PAGE_NOCACHE"), 0x10000);
        Action chain = Action.of("DescribeChain", Action.MAIN, "ranges", java.util.List.of(java.util.Map.of(
                "buffer", "u1", "offset", 0L, "length", 0x10L)));
        assertEquals("memory-type-alias", kindIfSucceeds(chain));
        ok(Action.of("VirtualFree", Action.MAIN, "buffer", "u1", "type", "MEM_DECOMMIT", "offset", 0L, "size",
                0x1000L), 0);
        assertNull(kindIfSucceeds(chain)); // the probe of a decommitted page fails: not an alias
        assertEquals("memory-type-alias", kindIfSucceeds(chain.with("ranges", java.util.List.of(java.util.Map.of(
                "buffer", "u1", "offset", 0x1000L, "length", 0x10L)))));
    }
}
