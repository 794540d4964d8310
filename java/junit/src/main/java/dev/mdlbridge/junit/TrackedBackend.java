package dev.mdlbridge.junit;

import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.KernelCensus;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The class's backend, with the user memory allocated through it tracked, so the leak check can name a
 * {@code UserBuffer} a test did not release. Everything else is passed through unchanged (name, channels,
 * capabilities), so results and recordings are the same as without it.
 */
final class TrackedBackend implements Backend {

    private final Backend delegate;
    /** Live allocations of the current process: address to size, in allocation order. */
    private final Map<Long, Long> live = new LinkedHashMap<>();
    private final UserMemory memory = new TrackingMemory();

    TrackedBackend(Backend delegate) {
        this.delegate = delegate;
    }

    /** The backend the selector chose (for tests that look below the seam). */
    Backend delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public DeviceChannel open() {
        return delegate.open();
    }

    @Override
    public UserMemory userMemory() {
        return memory;
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
        if (type == SimulatorControl.class) {
            return delegate.capability(SimulatorControl.class).map(c -> type.cast(new TrackingControl(c)));
        }
        return delegate.capability(type);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The user allocations alive now (address to size). */
    synchronized Map<Long, Long> liveAllocations() {
        return Map.copyOf(live);
    }

    /** The bug check that stopped the simulated machine, if it stopped (never on the driver). */
    Optional<BugCheck> bugCheck() {
        return delegate.capability(SimulatorControl.class).flatMap(SimulatorControl::bugCheck);
    }

    /** Releases an allocation the leak check found; false when the backend refused. */
    boolean release(long address) {
        try {
            memory.release(address);
            return true;
        } catch (RuntimeException e) {
            synchronized (this) {
                live.remove(address);
            }
            return false;
        }
    }

    /** Always the delegate's current memory: the simulator gives a new process (and memory) after ProcessExit. */
    private UserMemory target() {
        return delegate.userMemory();
    }

    private final class TrackingMemory implements UserMemory {
        @Override
        public long allocate(long size, int protect, boolean reserveOnly) {
            long address = target().allocate(size, protect, reserveOnly);
            synchronized (TrackedBackend.this) {
                live.put(address, size);
            }
            return address;
        }

        @Override
        public int protect(long address, long size, int protect) {
            return target().protect(address, size, protect);
        }

        @Override
        public void decommit(long address, long size) {
            target().decommit(address, size);
        }

        /**
         * MEM_RELEASE; on a simulated machine that has stopped with a bug check it does nothing (a stopped machine
         * runs no code, and the bug check was already reported), so a {@code try (UserBuffer ...)} around a test
         * that expects a bug check does not fail when it closes.
         */
        @Override
        public void release(long address) {
            if (bugCheck().isEmpty()) {
                target().release(address);
            }
            synchronized (TrackedBackend.this) {
                live.remove(address);
            }
        }

        @Override
        public void read(long address, byte[] target, int offset, int length) {
            target().read(address, target, offset, length);
        }

        @Override
        public void write(long address, byte[] source, int offset, int length) {
            target().write(address, source, offset, length);
        }
    }

    /** Passes every call through; ProcessExit also forgets the exited process's allocations (they are gone). */
    private final class TrackingControl implements SimulatorControl {
        private final SimulatorControl control;

        TrackingControl(SimulatorControl control) {
            this.control = control;
        }

        @Override
        public String profile() {
            return control.profile();
        }

        @Override
        public void processExit() {
            try {
                control.processExit();
            } finally {
                synchronized (TrackedBackend.this) {
                    live.clear();
                }
            }
        }

        @Override
        public void pageOut(long address, long size, boolean failPageIn) {
            control.pageOut(address, size, failPageIn);
        }

        @Override
        public DeviceChannel duplicateIntoOtherProcess(DeviceChannel channel) {
            return control.duplicateIntoOtherProcess(channel);
        }

        @Override
        public DeviceChannel duplicateInSameProcess(DeviceChannel channel) {
            return control.duplicateInSameProcess(channel);
        }

        @Override
        public Optional<BugCheck> bugCheck() {
            return control.bugCheck();
        }

        @Override
        public long processLockedPages() {
            return control.processLockedPages();
        }

        @Override
        public long pfnLockCount(long pfn) {
            return control.pfnLockCount(pfn);
        }

        @Override
        public Optional<KernelCensus> census() {
            return control.census();
        }
    }
}
