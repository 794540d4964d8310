package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import org.junit.jupiter.api.Test;

/**
 * Unchecked mode: without the CONTRACT 3.13 refusals, reserved-mapping misuse reaches the simulated kernel, which
 * stops as WINDOWS-MDL-RULES.md section 14.7 says (bug check 0xDA with the subcode in p1).
 */
class UncheckedReservedMappingsTest {

    private static BugCheck stops(Dev d, Runnable r) {
        BugCheck b = assertThrows(SimulatedBugCheckException.class, r::run).bugCheck();
        assertEquals(0xDA, b.code(), () -> "bug check " + b);
        return b;
    }

    private static int[] mapped(Dev d) {
        int res = d.ok(IOCTL_RESERVE, Requests.reserve(0x1000)).objectId();
        int mdl = d.mdl(d.buffer(0x1000), 0x100);
        d.probe(mdl, USER_MODE, IO_READ_ACCESS);
        d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, MM_CACHED));
        return new int[] {res, mdl};
    }

    @Test
    void unmappingTwiceIs0x10B() {
        try (Dev d = new Dev(SimulatedMachine.builder().unchecked(true))) {
            int[] rm = mapped(d);
            d.ok(IOCTL_UNMAP_RESERVED, Requests.reserved(Dev.ALL, rm[0], rm[1], 0));
            assertEquals(0x10B, stops(d, () -> d.send(IOCTL_UNMAP_RESERVED,
                    Requests.reserved(Dev.ALL, rm[0], rm[1], 0))).p1());
        }
    }

    @Test
    void freeingAMappedReservationIs0x103() {
        try (Dev d = new Dev(SimulatedMachine.builder().unchecked(true))) {
            int[] rm = mapped(d);
            assertEquals(0x103, stops(d, () -> d.send(IOCTL_FREE_RESERVATION,
                    Requests.object(PfnWindow.NONE, rm[0]))).p1());
        }
    }

    @Test
    void unlockingAReservedMappedMdlIs0x6() {
        try (Dev d = new Dev(SimulatedMachine.builder().unchecked(true))) {
            int[] rm = mapped(d);
            assertEquals(0x6, stops(d, () -> d.unlock(rm[1])).p1());
        }
    }

    @Test
    void unmappingAnotherMdlOfTheSameSizeEmptiesTheReservation() {
        try (Dev d = new Dev(SimulatedMachine.builder().unchecked(true))) {
            int[] rm = mapped(d);
            int other = d.mdl(d.buffer(0x1000), 0x100);
            d.probe(other, USER_MODE, IO_READ_ACCESS);
            d.ok(IOCTL_UNMAP_RESERVED, Requests.reserved(Dev.ALL, rm[0], other, 0));
            assertEquals(0x0001, d.snapshot(rm[1]).mdlFlags() & 1, "the MDL mapped there keeps a stale 0x1 (14.3.3)");
            d.ok(IOCTL_FREE_RESERVATION, Requests.object(PfnWindow.NONE, rm[0]));
        }
    }
}
