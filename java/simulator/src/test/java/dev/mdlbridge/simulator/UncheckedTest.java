package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import org.junit.jupiter.api.Test;

/** {@code unchecked}: the driver does not refuse, and the kernel shows what Windows would do. */
class UncheckedTest {

    @Test
    void freeOfALockedMdlThenProcessExitIs0x76WithP1Zero() {
        try (Dev d = new Dev(SimulatedMachine.builder().unchecked(true))) {
            int id = d.mdl(d.buffer(0x2000), 0x2000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            assertEquals(0, d.free(id).status().value(), "not refused in unchecked mode");
            long eprocess = d.backend.currentProcess().eprocess();
            SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class, d.backend::processExit);
            BugCheck b = e.bugCheck();
            assertEquals(0x76, b.code());
            assertEquals(0, b.p1());
            assertEquals(eprocess, b.p2());
            assertEquals(2, b.p3(), "two pages left locked");
            assertEquals(b, d.backend.bugCheck().orElseThrow());
        }
    }

    @Test
    void doubleUnlockWithTrackLockedPagesIs0x76WithP1One() {
        try (Dev d = new Dev(SimulatedMachine.builder().unchecked(true).trackLockedPages(true))) {
            int id = d.mdl(d.buffer(0x1000), 0x1000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            d.unlock(id);
            SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class, () -> d.unlock(id));
            assertEquals(0x76, e.bugCheck().code());
            assertEquals(1, e.bugCheck().p1());
            assertThrows(SimulatedBugCheckException.class, d::info, "a stopped machine stays stopped");
        }
    }

    @Test
    void verifierCatchesAnUnlockOfANeverLockedMdlWith0xC4() {
        try (Dev d = new Dev(SimulatedMachine.builder().unchecked(true).verifier(true))) {
            int id = d.mdl(d.buffer(0x1000), 0x1000);
            SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class, () -> d.unlock(id));
            assertEquals(0xC4, e.bugCheck().code());
            assertEquals(0x7C, e.bugCheck().p1());
        }
    }

    @Test
    void theSameMisuseIsRefusedWhenChecked() {
        try (Dev d = new Dev(SimulatedMachine.builder().verifier(true).trackLockedPages(true))) {
            int id = d.mdl(d.buffer(0x1000), 0x1000);
            Dev.refused(d.unlock(id), REFUSE_UNLOCK_NOT_LOCKED);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            Dev.refused(d.free(id), REFUSE_FREE_LOCKED);
            d.processExitAndCheck();
        }
    }
}
