package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.SimulatorOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 4, administrator limits: the simulator takes the names of Protocol.LIMIT_NAMES as settings,
 * clamps each to LIMIT_RANGES, applies the RAM rule, and Info reports the values in force with the
 * ConfiguredLimits / ClampedLimits masks.
 */
class AdministratorLimitsTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private static Reply allocate2GiB(Dev d) {
        return d.send(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 2 * GIB, 0));
    }

    @Test
    void a2GiBPageAllocationIsOverTheDefaultLimit() {
        try (Dev d = new Dev()) {
            Dev.limit(allocate2GiB(d), LIMIT_PAGE_ALLOC_BYTES);
            Info i = d.info();
            assertEquals(0, i.handleUse().pageAllocationBytes(), "nothing charged");
            assertEquals(0, i.configuredLimits());
            assertEquals(0, i.clampedLimits());
            assertEquals(LIMIT_DRIVER_HANDLES, i.maxHandles());
            assertEquals(LIMIT_HANDLE_PAGE_ALLOC_BYTES, i.limit(LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES));
        }
    }

    @Test
    void a2GiBPageAllocationSucceedsWithRaisedLimits() {
        // 16 GiB of RAM: the RAM rule counts the limits in force, so the default 8 GiB of locked bytes must come
        // down for 4 GiB of page allocations to fit into 8 GiB beside the default 256 MiB of kernel buffers.
        try (Dev d = new Dev(SimulatedMachine.builder().limit("maxPageAllocationBytes", 4 * GIB)
                .limit("driverMaxPageAllocationBytes", 4 * GIB).limit("driverMaxLockedBytes", GIB))) {
            Reply r = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 2 * GIB, 0));
            assertEquals(2 * GIB, r.value(), "ByteCount: every page of 16 GiB of RAM was there");
            Info i = d.info();
            assertEquals(2 * GIB, i.handleUse().pageAllocationBytes());
            assertEquals(4 * GIB, i.limit(LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES));
            assertEquals(4 * GIB, i.limit(LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES));
            assertEquals(GIB, i.limit(LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES), "1 + 4 GiB + 256 MiB fit into 8 GiB");
            assertEquals(1 << LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES | 1 << LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES
                    | 1 << LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES, i.configuredLimits());
            assertEquals(0, i.clampedLimits());
            d.releaseAll();
            assertEquals(0, d.info().handleUse().pageAllocationBytes());
        }
    }

    @Test
    void valuesOutsideTheirRangeAreClamped() {
        try (Dev d = new Dev(SimulatedMachine.builder().limit("maxObjects", 1).limit("maxLockedBytes", 1L << 40)
                .limit("maxMdlPoolBytes", 32 * MIB).limit("driverMaxHandles", 0))) {
            Info i = d.info();
            assertEquals(16, i.limit(LIMIT_NAME_MAX_OBJECTS), "raised to the minimum");
            assertEquals(64 * GIB, i.limit(LIMIT_NAME_MAX_LOCKED_BYTES), "lowered to the maximum");
            assertEquals(32 * MIB, i.limit(LIMIT_NAME_MAX_MDL_POOL_BYTES), "in range: as configured");
            assertEquals(1, i.maxHandles());
            assertEquals(16, i.handleLimits().maxObjects());
            assertEquals(1 << LIMIT_NAME_MAX_OBJECTS | 1 << LIMIT_NAME_MAX_LOCKED_BYTES
                    | 1 << LIMIT_NAME_MAX_MDL_POOL_BYTES | 1 << LIMIT_NAME_DRIVER_MAX_HANDLES, i.configuredLimits());
            assertEquals(1 << LIMIT_NAME_MAX_OBJECTS | 1 << LIMIT_NAME_MAX_LOCKED_BYTES
                    | 1 << LIMIT_NAME_DRIVER_MAX_HANDLES, i.clampedLimits());
            BackendException e = assertThrows(BackendException.class, () -> d.backend.open(),
                    "driverMaxHandles 1: the second CreateFile fails");
            assertEquals(true, e.getMessage().contains("1 handles open"), e.getMessage());
            // maxObjects 16: the 17th object is over the limit.
            for (int n = 0; n < 16; n++) {
                d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x10));
            }
            Dev.limit(d.send(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x10)), LIMIT_OBJECTS);
        }
    }

    @Test
    void theRamRuleLowersLockedThenPageAllocationThenKernelBufferBytes() {
        // 1 GiB of RAM: the three configured driver-wide byte limits may hold 512 MiB together.
        try (Dev d = new Dev(SimulatedMachine.builder().physicalMemory(GIB).limit("driverMaxLockedBytes", 2 * GIB)
                .limit("driverMaxPageAllocationBytes", GIB).limit("driverMaxKernelBufferBytes", 256 * MIB))) {
            Info i = d.info();
            assertEquals(MIB, i.limit(LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES), "lowered to its minimum first");
            assertEquals(512 * MIB - MIB - 256 * MIB, i.limit(LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES),
                    "then lowered until the three fit");
            assertEquals(256 * MIB, i.limit(LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES), "not needed: kept");
            assertEquals(1 << LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES | 1 << LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES,
                    i.clampedLimits());
        }
        // 4 GiB: lowering the locked bytes alone is enough.
        try (Dev d = new Dev(SimulatedMachine.builder().physicalMemory(4 * GIB).limit("driverMaxLockedBytes", 2 * GIB)
                .limit("driverMaxPageAllocationBytes", GIB).limit("driverMaxKernelBufferBytes", 256 * MIB))) {
            Info i = d.info();
            assertEquals(2 * GIB - GIB - 256 * MIB, i.limit(LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES));
            assertEquals(GIB, i.limit(LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES));
            assertEquals(1 << LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES, i.clampedLimits());
        }
    }

    @Test
    void defaultsCountInTheRamRuleButAreNeverLowered() {
        // 1 GiB of RAM: the defaults in force (8 GiB locked, 256 MiB kernel buffers) are over half of it alone, so
        // the one configured limit falls to its minimum, and the defaults stay as they are.
        try (Dev d = new Dev(SimulatedMachine.builder().physicalMemory(GIB).limit("driverMaxPageAllocationBytes",
                64 * MIB))) {
            Info i = d.info();
            assertEquals(LIMIT_DRIVER_LOCKED_BYTES, i.limit(LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES));
            assertEquals(LIMIT_DRIVER_KERNEL_BUFFER_BYTES, i.limit(LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES));
            assertEquals(LIMIT_RANGES[LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES][0],
                    i.limit(LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES), "64 KiB, its minimum");
            assertEquals(1 << LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES, i.clampedLimits());
            assertEquals(1 << LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES, i.configuredLimits());
        }
        // 64 GiB of RAM: 8 GiB + 256 MiB + 1 GiB fit into 32 GiB; nothing lowered.
        assertEquals(0, new dev.mdlbridge.simulator.driver.AdminLimits(
                java.util.Map.of("driverMaxPageAllocationBytes", GIB), 64 * GIB).clampedMask());
    }

    @Test
    void theRamRuleIsSkippedWhenTheRamIsUnknown() {
        dev.mdlbridge.simulator.driver.AdminLimits l = new dev.mdlbridge.simulator.driver.AdminLimits(
                java.util.Map.of("driverMaxLockedBytes", 64 * GIB), 0);
        assertEquals(64 * GIB, l.value(LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES), "RAM 0: unknown, nothing lowered");
        assertEquals(0, l.clampedMask());
    }

    @Test
    void theLibrarysOptionsReachTheSimulatedDriver() {
        // driverMaxLockedBytes lowered so that the RAM rule (limits in force, defaults included) keeps 4 GiB.
        BackendOptions options = SimulatorOptions.builder().limit("maxPageAllocationBytes", 4 * GIB)
                .limit("driverMaxPageAllocationBytes", 4 * GIB).limit("driverMaxLockedBytes", GIB).build();
        try (dev.mdlbridge.api.MdlBridge bridge = dev.mdlbridge.api.MdlBridge.open("simulator", options)) {
            dev.mdlbridge.api.Step s = bridge.mmAllocatePagesForMdlEx(0, HIGHEST_PHYSICAL_ADDRESS, 0, 2 * GIB,
                    MM_CACHED, MM_ALLOCATE_FULLY_REQUIRED).orThrow();
            assertEquals(2 * GIB, s.afterSnapshot().orElseThrow().byteCount());
        }
        try (dev.mdlbridge.api.MdlBridge bridge = dev.mdlbridge.api.MdlBridge.open("simulator", BackendOptions.none())) {
            dev.mdlbridge.api.Step s = bridge.mmAllocatePagesForMdlEx(0, HIGHEST_PHYSICAL_ADDRESS, 0, 2 * GIB,
                    MM_CACHED, 0);
            assertEquals(0xC0000044, s.status().value(), "STATUS_QUOTA_EXCEEDED with the default limits");
            assertEquals(LIMIT_PAGE_ALLOC_BYTES, s.detail());
        }
    }

    @Test
    void everyLimitNameIsASettingAndAnUnknownOneIsNot() {
        SimulatorOptions options = SimulatorOptions.builder();
        for (int n = 0; n < LIMIT_NAME_COUNT; n++) {
            options = options.limit(LIMIT_NAMES.get(n), LIMIT_RANGES[n][1]);
        }
        BackendOptions all = options.build();
        SimulatorSettings s = SimulatorSettings.parse(all);
        assertEquals(LIMIT_NAME_COUNT, s.limits().size());
        assertEquals(SimulatorOptions.KEYS, SimulatorSettings.KEYS, "the simulator accepts exactly the documented keys");
        try (Dev d = new Dev(SimulatedMachine.builder().limit("maxKernelBufferBytes", 0))) {
            assertEquals(LIMIT_RANGES[LIMIT_NAME_MAX_KERNEL_BUFFER_BYTES][0],
                    d.info().limit(LIMIT_NAME_MAX_KERNEL_BUFFER_BYTES), "0 is clamped up to the minimum");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimulatorSettings.parse(new BackendOptions(Map.of("maxPageBytes", "1"))));
        assertEquals(true, e.getMessage().contains("maxPageBytes"), e.getMessage());
        assertEquals(4 * GIB, SimulatorSettings.parse(new BackendOptions(Map.of("maxLockedBytes", "4G"))).limits()
                .get("maxLockedBytes"), "sizes take the K, M, G, T suffixes");
        assertEquals(-1L, SimulatorSettings.parse(new BackendOptions(Map.of("maxLockedBytes", "0xFFFFFFFFFFFFFFFF")))
                .limits().get("maxLockedBytes"), "a REG_QWORD's whole unsigned range is taken");
        try (Dev d = new Dev(SimulatedMachine.builder().limit("maxLockedBytes", -1L))) {
            assertEquals(LIMIT_RANGES[LIMIT_NAME_MAX_LOCKED_BYTES][1], d.info().limit(LIMIT_NAME_MAX_LOCKED_BYTES),
                    "2^64 - 1 is clamped to the maximum, not read as negative");
            assertEquals(1 << LIMIT_NAME_MAX_LOCKED_BYTES, d.info().clampedLimits());
        }
    }
}
