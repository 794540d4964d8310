package dev.mdlbridge.simulator.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mdlbridge.h: "unknown control code -> STATUS_INVALID_DEVICE_REQUEST", whatever its transfer method; driver/src
 * (mdlb_check_malformed) answers so, and the Wine fuzz checks the real driver does. The simulated driver must
 * answer the same for unknown codes whose method bits say METHOD_IN_DIRECT or METHOD_OUT_DIRECT.
 */
class UnknownCodeTest {

    @ParameterizedTest(name = "function 0x{0}")
    @ValueSource(ints = {0x7FF, 0x81D, 0x830, 0xFFF})
    void unknownCodesFailAsInvalidDeviceRequestWhateverTheirMethod(int function) {
        try (Sim sim = Sim.of()) {
            RawHandle h = sim.open();
            for (int method = 0; method < 4; method++) {
                int code = Protocol.ctlCode(function, method, Protocol.ACCESS_READ_WRITE);
                RawHandle.Outcome o = h.send(code, dev.mdlbridge.protocol.Requests.header(PfnWindow.NONE));
                assertFalse(o.irpOk(), String.format("unknown code 0x%08X completed", code));
                assertEquals(NtStatus.INVALID_DEVICE_REQUEST, o.irpStatus(),
                        String.format("unknown code 0x%08X (method %d)", code, method));
            }
            h.channel.close();
        }
    }
}
