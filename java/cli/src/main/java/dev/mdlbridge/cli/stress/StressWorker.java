package dev.mdlbridge.cli.stress;

import dev.mdlbridge.api.DeviceCallException;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.UserMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One thread of {@code mdl stress}: its own handle (an {@link MdlBridge}), its own user buffers, and a random walk
 * over legal MDL sequences (allocate, probe and lock, map to system and user space, read and write through the
 * mappings, build partials, unmap, unlock, free; kernel buffers) with random sizes and offsets, plus a few
 * deliberate misuses whose refusal ({@code STATUS_INVALID_DEVICE_STATE}) is the expected outcome. Every outcome is
 * compared with the expected one; at the end the worker releases everything it created, step by step.
 */
final class StressWorker {

    private static final int PAGE = Protocol.PAGE_SIZE;
    private static final int MAX_BUFFERS = 4;
    private static final int MAX_MDLS = 6;
    private static final int MAX_KERNEL_BUFFERS = 2;

    /** A user buffer of this thread. */
    private static final class AllocatedBuffer {
        final long address;
        final long size;
        int users;

        AllocatedBuffer(long address, long size) {
            this.address = address;
            this.size = size;
        }
    }

    /** An MDL of this thread, with what the driver holds for it. */
    private static final class HeldMdl {
        final int id;
        final AllocatedBuffer buf;
        final int length;
        int lockOperation = -1;   // -1 not locked
        boolean systemMapped;
        final List<Integer> partials = new ArrayList<>();
        final List<Integer> userMappings = new ArrayList<>();

        HeldMdl(int id, AllocatedBuffer buf, int length) {
            this.id = id;
            this.buf = buf;
            this.length = length;
        }

        boolean locked() {
            return lockOperation >= 0;
        }
    }

    private final MdlBridge bridge;
    private final UserMemory memory;
    private final SplittableRandom random;
    private final StressStats stats;
    private final long maxBufferBytes;
    private final int priority;
    private final List<AllocatedBuffer> buffers = new ArrayList<>();
    private final List<HeldMdl> mdls = new ArrayList<>();
    private final List<Integer> kernelBuffers = new ArrayList<>();

    StressWorker(MdlBridge bridge, long seed, StressStats stats, long maxBufferBytes) {
        this.bridge = bridge;
        this.memory = bridge.memory();
        this.random = new SplittableRandom(seed);
        this.stats = stats;
        this.maxBufferBytes = Math.max(PAGE, maxBufferBytes);
        this.priority = bridge.defaultPriority();
    }

    /** Runs random operations until {@code deadline} (System.nanoTime) or until {@code stop} says so. */
    void run(long deadline, java.util.function.BooleanSupplier stop) {
        while (System.nanoTime() < deadline && !stop.getAsBoolean()) {
            oneOperation();
        }
    }

    // --------------------------------------------------------------------------------------------- one step

    private void oneOperation() {
        int pick = random.nextInt(100);
        if (buffers.isEmpty() || (pick < 3 && buffers.size() < MAX_BUFFERS)) {
            newBuffer();
        } else if (pick < 5) {
            releaseIdleBuffer();
        } else if (pick < 20) {
            allocateMdl();
        } else if (pick < 33) {
            withMdl(m -> !m.locked() && m.partials.isEmpty(), this::probe);
        } else if (pick < 41) {
            withMdl(m -> m.locked() && !m.systemMapped, this::mapSystem);
        } else if (pick < 46) {
            withMdl(m -> m.locked() && m.userMappings.size() < 2, this::mapUser);
        } else if (pick < 56) {
            withMdl(m -> m.systemMapped || !m.userMappings.isEmpty(), this::read);
        } else if (pick < 60) {
            withMdl(m -> m.lockOperation == Protocol.IO_WRITE_ACCESS
                    && (m.systemMapped || !m.userMappings.isEmpty()), this::write);
        } else if (pick < 66) {
            withMdl(m -> m.locked() && m.partials.size() < 2, this::buildPartial);
        } else if (pick < 71) {
            withMdl(m -> !m.partials.isEmpty(), this::freePartial);
        } else if (pick < 74) {
            withMdl(m -> !m.userMappings.isEmpty(), this::unmapUser);
        } else if (pick < 77) {
            withMdl(m -> m.systemMapped && m.partials.isEmpty(), this::unmapSystem);
        } else if (pick < 86) {
            withMdl(m -> m.locked() && m.partials.isEmpty() && m.userMappings.isEmpty(), this::unlock);
        } else if (pick < 93) {
            withMdl(m -> !m.locked() && m.partials.isEmpty() && m.userMappings.isEmpty(), this::free);
        } else if (pick < 96) {
            kernelBuffer();
        } else if (pick < 98) {
            misuse();
        } else {
            expect("Info", NtStatus.SUCCESS, bridge::info);
        }
    }

    private void withMdl(java.util.function.Predicate<HeldMdl> eligible, java.util.function.Consumer<HeldMdl> action) {
        List<HeldMdl> c = new ArrayList<>();
        for (HeldMdl m : mdls) {
            if (eligible.test(m)) {
                c.add(m);
            }
        }
        if (c.isEmpty()) {
            allocateMdl();
        } else {
            action.accept(c.get(random.nextInt(c.size())));
        }
    }

    /** Runs one DDI step and compares its status with the expected one; returns the step or null. */
    private Step expect(String kind, NtStatus expected, Supplier<Step> call) {
        stats.operation(kind);
        Step s;
        try {
            s = call.get();
        } catch (SimulatedBugCheckException e) {
            throw e;
        } catch (DeviceCallException e) {
            stats.failure(e.status().name());
            stats.unexpected(kind + ": IRP failed " + e.status().name(), e.getMessage());
            return null;
        } catch (RuntimeException e) {
            stats.unexpected(kind + ": " + e.getClass().getSimpleName(), kind + ": " + e);
            return null;
        }
        if (!s.status().isSuccess()) {
            stats.failure(s.status().name());
        }
        if (s.status().value() != expected.value()) {
            stats.unexpected(kind + ": " + s.status().name() + " (expected " + expected.name() + ")",
                    kind + " returned " + s.status() + (s.explanation().isEmpty() ? "" : ": " + s.explanation()));
        }
        return s;
    }

    private boolean ok(Step s) {
        return s != null && s.succeeded();
    }

    // ------------------------------------------------------------------------------------------------ user

    private void newBuffer() {
        long size = (1 + random.nextLong(maxBufferBytes / PAGE)) * PAGE;
        stats.operation("VirtualAlloc");
        try {
            buffers.add(new AllocatedBuffer(memory.allocate(size, UserMemory.PAGE_READWRITE, false), size));
        } catch (RuntimeException e) {
            stats.unexpected("VirtualAlloc: " + e.getClass().getSimpleName(), "VirtualAlloc " + size + ": " + e);
        }
    }

    private void releaseIdleBuffer() {
        for (AllocatedBuffer b : buffers) {
            if (b.users == 0 && buffers.size() > 1) {
                stats.operation("VirtualFree");
                buffers.remove(b);
                try {
                    memory.release(b.address);
                } catch (RuntimeException e) {
                    stats.unexpected("VirtualFree: " + e.getClass().getSimpleName(), "VirtualFree: " + e);
                }
                return;
            }
        }
        newBuffer();
    }

    // ------------------------------------------------------------------------------------------------ MDLs

    private void allocateMdl() {
        if (mdls.size() >= MAX_MDLS) {
            // make room: walk the oldest MDL towards its free
            HeldMdl m = mdls.get(0);
            releaseMdl(m);
            return;
        }
        if (buffers.isEmpty()) {
            newBuffer();
            return;
        }
        AllocatedBuffer b = buffers.get(random.nextInt(buffers.size()));
        long offset = random.nextLong(b.size);
        int length = (int) (1 + random.nextLong(b.size - offset));
        Step s = expect("IoAllocateMdl", NtStatus.SUCCESS, () -> bridge.ioAllocateMdl(b.address + offset, length));
        if (ok(s)) {
            b.users++;
            mdls.add(new HeldMdl(s.objectId(), b, length));
        }
    }

    private void probe(HeldMdl m) {
        int op = random.nextInt(3);
        Step s = expect("MmProbeAndLockPages", NtStatus.SUCCESS,
                () -> bridge.mmProbeAndLockPages(m.id, Protocol.USER_MODE, op));
        if (ok(s)) {
            m.lockOperation = op;
        }
    }

    private void mapSystem(HeldMdl m) {
        if (ok(expect("MmGetSystemAddressForMdlSafe", NtStatus.SUCCESS,
                () -> bridge.mmGetSystemAddressForMdlSafe(m.id, priority)))) {
            m.systemMapped = true;
        }
    }

    private void mapUser(HeldMdl m) {
        Step s = expect("MmMapLockedPagesSpecifyCache", NtStatus.SUCCESS,
                () -> bridge.mmMapLockedPagesSpecifyCache(m.id, Protocol.MM_CACHED, 0, Protocol.NORMAL_PAGE_PRIORITY));
        if (ok(s)) {
            m.userMappings.add(s.objectId());
        }
    }

    private int mappingOf(HeldMdl m) {
        if (m.systemMapped && (m.userMappings.isEmpty() || random.nextBoolean())) {
            return 0;
        }
        return m.userMappings.get(random.nextInt(m.userMappings.size()));
    }

    private void read(HeldMdl m) {
        int mapping = mappingOf(m);
        int offset = random.nextInt(m.length);
        int length = 1 + random.nextInt(Math.min(Protocol.MAX_TRANSFER, m.length - offset));
        Step s = expect("ReadMapped", NtStatus.SUCCESS, () -> bridge.readMapped(mapping, m.id, offset, length));
        if (ok(s) && s.data().length != length) {
            stats.unexpected("ReadMapped: short read", "ReadMapped of " + length + " bytes returned "
                    + s.data().length);
        }
    }

    private void write(HeldMdl m) {
        int mapping = mappingOf(m);
        int offset = random.nextInt(m.length);
        int length = 1 + random.nextInt(Math.min(4096, m.length - offset));
        byte[] data = new byte[length];
        random.nextBytes(data);
        expect("WriteMapped", NtStatus.SUCCESS, () -> bridge.writeMapped(mapping, m.id, offset, data));
    }

    private void buildPartial(HeldMdl m) {
        long offset = random.nextInt(m.length);
        int length = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt((int) (m.length - offset));
        Step s = expect("IoBuildPartialMdl", NtStatus.SUCCESS, () -> bridge.ioBuildPartialMdl(m.id, offset, length));
        if (ok(s)) {
            m.partials.add(s.objectId());
        }
    }

    private void freePartial(HeldMdl m) {
        int p = m.partials.get(random.nextInt(m.partials.size()));
        if (ok(expect("IoFreeMdl(partial)", NtStatus.SUCCESS, () -> bridge.ioFreeMdl(p)))) {
            m.partials.remove(Integer.valueOf(p));
        }
    }

    private void unmapUser(HeldMdl m) {
        int u = m.userMappings.get(random.nextInt(m.userMappings.size()));
        if (ok(expect("MmUnmapLockedPages(user)", NtStatus.SUCCESS, () -> bridge.mmUnmapLockedPages(u)))) {
            m.userMappings.remove(Integer.valueOf(u));
        }
    }

    private void unmapSystem(HeldMdl m) {
        if (ok(expect("MmUnmapLockedPages(system)", NtStatus.SUCCESS, () -> bridge.mmUnmapSystemAddress(m.id)))) {
            m.systemMapped = false;
        }
    }

    private void unlock(HeldMdl m) {
        if (ok(expect("MmUnlockPages", NtStatus.SUCCESS, () -> bridge.mmUnlockPages(m.id)))) {
            m.lockOperation = -1;
            m.systemMapped = false; // a system mapping ends with the unlock of its MDL
        }
    }

    private void free(HeldMdl m) {
        if (ok(expect("IoFreeMdl", NtStatus.SUCCESS, () -> bridge.ioFreeMdl(m.id)))) {
            mdls.remove(m);
            m.buf.users--;
        }
    }

    /** Walks one MDL to its end in dependency order (what a careful caller does). */
    private void releaseMdl(HeldMdl m) {
        for (int u : new ArrayList<>(m.userMappings)) {
            if (ok(expect("MmUnmapLockedPages(user)", NtStatus.SUCCESS, () -> bridge.mmUnmapLockedPages(u)))) {
                m.userMappings.remove(Integer.valueOf(u));
            }
        }
        for (int p : new ArrayList<>(m.partials)) {
            if (ok(expect("IoFreeMdl(partial)", NtStatus.SUCCESS, () -> bridge.ioFreeMdl(p)))) {
                m.partials.remove(Integer.valueOf(p));
            }
        }
        if (m.systemMapped && random.nextBoolean()) {
            unmapSystem(m);
        }
        if (m.locked()) {
            unlock(m);
        }
        if (!m.locked() && m.partials.isEmpty() && m.userMappings.isEmpty()) {
            free(m);
        } else {
            // a step above failed (already counted); leave the MDL to the handle's release
            mdls.remove(m);
        }
    }

    // ------------------------------------------------------------------------------------- kernel buffers

    private void kernelBuffer() {
        if (!kernelBuffers.isEmpty() && (kernelBuffers.size() >= MAX_KERNEL_BUFFERS || random.nextBoolean())) {
            int k = kernelBuffers.remove(random.nextInt(kernelBuffers.size()));
            expect("ExFreePool", NtStatus.SUCCESS, () -> bridge.exFreePool(k));
            return;
        }
        long size = (1 + random.nextInt(4)) * (long) PAGE;
        Step s = expect("ExAllocatePool", NtStatus.SUCCESS, () -> bridge.exAllocatePool(size));
        if (ok(s)) {
            kernelBuffers.add(s.objectId());
        }
    }

    // --------------------------------------------------------------------------------------------- misuse

    /** A sequence the driver must refuse, with nothing changed: the refusal is the expected outcome. */
    private void misuse() {
        for (HeldMdl m : mdls) {
            if (!m.locked() && m.partials.isEmpty()) {
                expect("misuse: MmUnlockPages of an unlocked MDL", NtStatus.INVALID_DEVICE_STATE,
                        () -> bridge.mmUnlockPages(m.id));
                return;
            }
            if (m.locked() && m.userMappings.isEmpty() && m.partials.isEmpty()) {
                expect("misuse: MmProbeAndLockPages of a locked MDL", NtStatus.INVALID_DEVICE_STATE,
                        () -> bridge.mmProbeAndLockPages(m.id, Protocol.USER_MODE, Protocol.IO_READ_ACCESS));
                return;
            }
        }
        allocateMdl();
    }

    // ----------------------------------------------------------------------------------------------- end

    /** Releases everything this worker created, step by step (not through ReleaseAll), then its buffers. */
    void releaseEverything() {
        for (HeldMdl m : new ArrayList<>(mdls)) {
            releaseMdl(m);
        }
        for (int k : new ArrayList<>(kernelBuffers)) {
            expect("ExFreePool", NtStatus.SUCCESS, () -> bridge.exFreePool(k));
        }
        kernelBuffers.clear();
        for (AllocatedBuffer b : new ArrayList<>(buffers)) {
            stats.operation("VirtualFree");
            try {
                memory.release(b.address);
            } catch (RuntimeException e) {
                stats.unexpected("VirtualFree: " + e.getClass().getSimpleName(), "VirtualFree: " + e);
            }
        }
        buffers.clear();
    }
}
