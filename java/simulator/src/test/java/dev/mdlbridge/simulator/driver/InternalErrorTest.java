package dev.mdlbridge.simulator.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.simulator.kernel.Kernel;
import dev.mdlbridge.simulator.kernel.Profiles;
import dev.mdlbridge.simulator.kernel.SimProcess;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A Java exception inside the simulated driver never escapes the channel: it completes the IRP with
 * STATUS_INTERNAL_ERROR and is recorded (the other suites fail on any record). A bug check is not such an
 * exception: the machine stops.
 */
class InternalErrorTest {

    private static Kernel kernel(RuntimeException onAllocate) {
        return (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "profile" -> Profiles.WIN10_X64;
                    case "registerProcessNotify" -> null;
                    case "ioAllocateMdl" -> throw onAllocate;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static SimProcess process() {
        return (SimProcess) Proxy.newProxyInstance(SimProcess.class.getClassLoader(),
                new Class<?>[] {SimProcess.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "id" -> 4;
                    case "hashCode" -> 4;
                    case "equals" -> proxy == args[0];
                    default -> 0L;
                });
    }

    @Test
    void anUnexpectedExceptionBecomesAnIrpFailure() {
        MdlBridgeDriver driver = new MdlBridgeDriver(kernel(new IllegalStateException("defect")), false);
        SimProcess p = process();
        FileHandle h = driver.create(p);
        IoResult r = driver.deviceControl(h, p, Protocol.IOCTL_ALLOCATE_MDL,
                Requests.allocateMdl(PfnWindow.NONE, 0x10000, 0x10), ByteBuffer.allocate(4096));
        assertFalse(r.ok());
        assertEquals(MdlBridgeDriver.STATUS_INTERNAL_ERROR, r.ntStatus());
        assertEquals(1359, r.win32Error());
        assertEquals(1, driver.internalErrors().size());
        assertInstanceOf(IllegalStateException.class, driver.internalErrors().get(0));
    }

    @Test
    void aBugCheckStopsTheMachineInsteadOfCompleting() {
        BugCheck b = new BugCheck(0x50, 1, 2, 3, 4, "PAGE_FAULT_IN_NONPAGED_AREA");
        MdlBridgeDriver driver = new MdlBridgeDriver(kernel(new SimulatedBugCheckException(b)), false);
        SimProcess p = process();
        FileHandle h = driver.create(p);
        SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class, () -> driver.deviceControl(h,
                p, Protocol.IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, 0, 1), ByteBuffer.allocate(4096)));
        assertEquals(b, e.bugCheck());
        assertEquals(0, driver.internalErrors().size());
    }
}
