package dev.mdlbridge.junit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.UserBuffer;
import dev.mdlbridge.junit.EnabledOnDriver;
import dev.mdlbridge.junit.EnabledOnSimulator;
import dev.mdlbridge.junit.MdlBridgeTest;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import org.junit.jupiter.api.Test;

/**
 * A harness test to copy: it runs on whatever backend {@code mdlbridge.backend} selects (auto: the driver on
 * Windows when it is installed, else the simulator), and the extension fails any test that leaves MDLs, mappings,
 * kernel buffers or locked pages behind.
 */
@MdlBridgeTest
class SampleHarnessTest {

    @Test
    void describingTwoPagesLocksTwoFrames(MdlBridge bridge) {
        try (UserBuffer buffer = bridge.allocateUserBuffer(2 * 4096, UserMemory.PAGE_READWRITE)) {
            buffer.write(0, new byte[] {1});
            buffer.write(4096, new byte[] {2});
            Describe d = bridge.describe(buffer.address(), 2 * 4096, LockOperation.READ);
            assertTrue(d.succeeded(), d.toString());
            assertEquals(2, d.lockedPfns().orElseThrow().length);
        }
    }

    @Test
    @EnabledOnSimulator
    void simulatorOnlyChecksNeedSimulatorControl(MdlBridge bridge, SimulatorControl machine) {
        try (UserBuffer buffer = bridge.allocateUserBuffer(4096, UserMemory.PAGE_READWRITE)) {
            buffer.write(0, new byte[] {7});
            assertTrue(bridge.describe(buffer.address(), 4096, LockOperation.WRITE).succeeded());
            assertEquals(0, machine.processLockedPages(), "the one-shot describe unlocks what it locked");
        }
    }

    @Test
    @EnabledOnDriver
    void driverOnlyChecksRunOnTheRealMachine(MdlBridge bridge) {
        assertTrue(bridge.driverInfo().osMajor() >= 6, "a supported Windows reports its version");
    }
}
