package dev.mdlbridge.simulator;

import dev.mdlbridge.simulator.driver.FileHandle;
import dev.mdlbridge.simulator.driver.AdminLimits;
import dev.mdlbridge.simulator.driver.MdlBridgeDriver;
import dev.mdlbridge.simulator.kernel.Kernel;
import dev.mdlbridge.simulator.kernel.KernelConfig;
import dev.mdlbridge.simulator.kernel.SimKernel;
import dev.mdlbridge.simulator.kernel.SimProcess;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A simulated Windows machine with the simulated mdlbridge driver loaded, seen from one user process (the
 * "current" process: the one a test or the CLI plays). Channels are handles of that process; the driver parses
 * their bytes exactly as driver/src does.
 */
public final class SimulatorBackend implements Backend, SimulatorControl {

    private final Kernel kernel;
    private final MdlBridgeDriver driver;
    private final KernelConfig config;
    private final List<Channel> channels = new ArrayList<>();
    private SimProcess current;
    private SimProcess other;
    private int generation;
    private boolean closed;

    SimulatorBackend(SimulatorSettings settings) {
        this.config = settings.kernel();
        this.kernel = SimKernel.create(config);
        this.driver = new MdlBridgeDriver(kernel, settings.unchecked(), settings.removed(),
                new AdminLimits(settings.limits(), config.physicalMemoryBytes()));
        this.current = kernel.createProcess("mdltest.exe");
    }

    /** The simulated kernel, for tests that look below the device boundary. */
    public Kernel kernel() {
        return kernel;
    }

    /** The process the backend's channels and user memory belong to now. */
    public synchronized SimProcess currentProcess() {
        return current;
    }

    /** Java exceptions the simulated driver turned into IRP failures; empty unless the simulator has a defect. */
    public List<Throwable> driverInternalErrors() {
        return driver.internalErrors();
    }

    @Override
    public String name() {
        return "simulator";
    }

    @Override
    public synchronized DeviceChannel open() {
        if (closed) {
            throw new BackendException("the simulated machine was closed: create a new backend");
        }
        rethrowBugCheck();
        FileHandle created = driver.create(current);
        if (created == null) {
            throw new BackendException("CreateFile failed with STATUS_QUOTA_EXCEEDED: the driver has "
                    + driver.maxHandles() + " handles open (driverMaxHandles); close some first");
        }
        FileObject file = new FileObject(created);
        created.handleCountFrom(file::references);
        Channel c = new Channel(file, current);
        channels.add(c);
        return c;
    }

    @Override
    public synchronized UserMemory userMemory() {
        return kernel.addressSpace(current);
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (kernel.bugCheck() != null) {
            return; // a stopped machine runs no more code, the driver's cleanup included
        }
        for (Channel c : new ArrayList<>(channels)) {
            c.close();
        }
    }

    private void rethrowBugCheck() {
        BugCheck b = kernel.bugCheck();
        if (b != null) {
            throw new dev.mdlbridge.spi.SimulatedBugCheckException(b);
        }
    }

    // ------------------------------------------------------------------------------------ SimulatorControl

    @Override
    public String profile() {
        return config.profile().name();
    }

    @Override
    public synchronized void processExit() {
        rethrowBugCheck();
        SimProcess dying = current;
        // The object manager closes the dying process's handles (the driver's CLEANUP on the last one) ...
        for (Channel c : new ArrayList<>(channels)) {
            if (c.caller == dying) {
                c.close();
            }
        }
        current = kernel.createProcess("mdltest.exe");
        generation++;
        // ... then the process-notify callbacks run and the kernel checks the locked pages (0x76 / 0xCB).
        kernel.exitProcess(dying);
    }

    @Override
    public synchronized void pageOut(long address, long size, boolean failPageIn) {
        rethrowBugCheck();
        kernel.pageOut(current, address, size, failPageIn);
    }

    @Override
    public synchronized DeviceChannel duplicateIntoOtherProcess(DeviceChannel channel) {
        if (other == null || other.exited()) {
            other = kernel.createProcess("other.exe");
        }
        return duplicate(channel, other);
    }

    @Override
    public synchronized DeviceChannel duplicateInSameProcess(DeviceChannel channel) {
        return duplicate(channel, current);
    }

    private DeviceChannel duplicate(DeviceChannel channel, SimProcess into) {
        if (!(channel instanceof Channel c) || !channels.contains(c)) {
            throw new IllegalArgumentException("not a channel of this simulated machine");
        }
        synchronized (c.file) {
            if (c.file.references == 0) {
                throw new IllegalStateException("the handle is closed; there is nothing to duplicate");
            }
            c.file.references++;
        }
        Channel d = new Channel(c.file, into);
        channels.add(d);
        return d;
    }

    @Override
    public Optional<BugCheck> bugCheck() {
        return Optional.ofNullable(kernel.bugCheck());
    }

    @Override
    public synchronized long processLockedPages() {
        return kernel.numberOfLockedPages(current);
    }

    @Override
    public long pfnLockCount(long pfn) {
        return kernel.pfnLockCount(pfn);
    }

    @Override
    public synchronized Optional<dev.mdlbridge.spi.KernelCensus> census() {
        return kernel instanceof SimKernel sk ? Optional.of(sk.census(current)) : Optional.empty();
    }

    // ------------------------------------------------------------------------------------------- handles

    /** The file object behind one or more handles (duplicates share it); CLEANUP runs when the last goes. */
    private static final class FileObject {
        final FileHandle handle;
        int references = 1;

        FileObject(FileHandle handle) {
            this.handle = handle;
        }

        synchronized int references() {
            return references;
        }
    }

    /** A handle in one process. */
    private final class Channel implements DeviceChannel {
        final FileObject file;
        final SimProcess caller;
        private boolean open = true;

        Channel(FileObject file, SimProcess caller) {
            this.file = file;
            this.caller = caller;
        }

        private synchronized boolean isOpen() {
            return open;
        }

        @Override
        public IoResult control(int code, ByteBuffer request, ByteBuffer reply) {
            if (!isOpen()) {
                return IoResult.failure(0xC0000008, 6); // STATUS_INVALID_HANDLE
            }
            rethrowBugCheck();
            return driver.deviceControl(file.handle, caller, code, request, reply);
        }

        @Override
        public IoResult controlDirect(int code, ByteBuffer request, long outputAddress, int outputLength) {
            if (!isOpen()) {
                return IoResult.failure(0xC0000008, 6);
            }
            rethrowBugCheck();
            return driver.deviceControlDirect(file.handle, caller, code, request, outputAddress, outputLength);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (!open) {
                    return;
                }
                open = false;
            }
            boolean last;
            synchronized (file) {
                last = --file.references == 0;
            }
            synchronized (SimulatorBackend.this) {
                channels.remove(this);
            }
            if (last && kernel.bugCheck() == null) {
                driver.cleanup(file.handle);
                driver.close(file.handle);
            }
        }
    }
}
