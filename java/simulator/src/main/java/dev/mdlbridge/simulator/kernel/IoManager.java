package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.MdlFlags.*;

import java.util.function.ToIntFunction;

/**
 * Windows' I/O manager as far as MDLs go (WINDOWS-MDL-RULES.md section 5): IRPs, their completion
 * ({@code IofCompleteRequest} unlocking and {@code IopCompleteRequest} freeing the IRP's MDL chain), the
 * METHOD_IN_DIRECT / METHOD_OUT_DIRECT dispatch that builds and locks the IRP's own MDL for the output buffer before
 * the driver runs, the IRP side of {@code IoAllocateMdl}, and {@code IoBuildPartialMdl} (section 3.10), which on
 * Windows is an I/O manager routine too. It holds no state of its own: an IRP carries its MDL chain, and the memory
 * manager's work (allocate, probe, unlock, free) is reached through the kernel's DDIs, as the real I/O manager
 * calls them.
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it (and the DDIs it calls
 * back are synchronized on the same kernel, which the calling thread already holds), so it has no lock of its own.
 */
final class IoManager {

    /** LOCK_OPERATION IoReadAccess (METHOD_IN_DIRECT: the device reads the buffer). */
    private static final int IO_READ_ACCESS = 0;
    /** LOCK_OPERATION IoWriteAccess (METHOD_OUT_DIRECT: the device writes the buffer). */
    private static final int IO_WRITE_ACCESS = 1;

    private final Kernel kernel;
    private final Profile profile;
    private final Poison poison;
    private final BugCheckLatch bugChecks;

    IoManager(Kernel kernel, Profile profile, Poison poison, BugCheckLatch bugChecks) {
        this.kernel = kernel;
        this.profile = profile;
        this.poison = poison;
        this.bugChecks = bugChecks;
    }

    /** {@code IoAllocateIrp}: an IRP with no MDL, on behalf of {@code requestor}. */
    Irp allocateIrp(SimProcess requestor) {
        return new IrpImpl(requestor);
    }

    /**
     * The IRP part of {@code IoAllocateMdl(..., Irp)}: the MDL becomes {@code Irp->MdlAddress}, or, as a secondary
     * buffer, the tail of the IRP's chain.
     */
    void attach(Irp irp, KernelMdl m, boolean secondaryBuffer) {
        if (!secondaryBuffer) {
            irp.setMdlAddress(m);
            return;
        }
        KernelMdl tail = (KernelMdl) irp.mdlAddress();
        if (tail == null) {
            irp.setMdlAddress(m);
            return;
        }
        while (tail.next != null) {
            tail = tail.next;
        }
        tail.next = m;
    }

    /** {@code IoCompleteRequest}: unlocks, then frees, every MDL on the IRP's chain. */
    void completeIrp(Irp irp) {
        // IofCompleteRequest unlocks every MDL of the chain, locked or not (rule 15); IopCompleteRequest then frees
        // them. A driver that leaves a never-locked MDL on the IRP (a failed probe it did not detach) therefore
        // gets MmUnlockPages' own outcome for it, 0x4E on a free build, as on Windows.
        for (KernelMdl m = (KernelMdl) irp.mdlAddress(); m != null; m = m.next) {
            kernel.mmUnlockPages(m);
        }
        KernelMdl m = (KernelMdl) irp.mdlAddress();
        while (m != null) {
            KernelMdl next = m.next;
            kernel.ioFreeMdl(m);
            m = next;
        }
        irp.setMdlAddress(null);
    }

    /**
     * A DIRECT-method IOCTL: the I/O manager describes the output buffer with the IRP's MDL and probes it
     * (IoReadAccess for METHOD_IN_DIRECT, IoWriteAccess for METHOD_OUT_DIRECT) in the caller's context; a probe
     * that raises fails the IRP with its status and the driver never runs. Then the driver's dispatch runs and
     * the IRP is completed.
     */
    int dispatchDirectIo(SimProcess caller, boolean inDirect, long outputAddress, int outputLength,
                         ToIntFunction<Irp> driver) {
        Irp irp = kernel.allocateIrp(caller);
        if (outputLength != 0) {
            Mdl m = kernel.ioAllocateMdl(outputAddress, outputLength, false, irp);
            if (m == null) {
                return SimKernel.STATUS_INSUFFICIENT_RESOURCES;
            }
            try {
                kernel.mmProbeAndLockPages(m, caller, SimKernel.USER_MODE, inDirect ? IO_READ_ACCESS : IO_WRITE_ACCESS);
            } catch (NtStatusException e) {
                irp.setMdlAddress(null);
                kernel.ioFreeMdl(m);
                return e.status();
            }
        }
        int status = driver.applyAsInt(irp);
        kernel.completeIrp(irp);
        return status;
    }

    /**
     * {@code IoBuildPartialMdl} (WINDOWS-MDL-RULES.md section 3.10): the target describes part of the source's range
     * and shares its frames, flags and mapping; it takes no locks of its own. A range outside the source is bug
     * check 0x12E on profiles that check it, a target too small for the range 0x40.
     */
    void buildPartialMdl(KernelMdl s, KernelMdl t, long virtualAddress, int length) {
        long sourceVa = s.startVa + s.byteOffset;
        long offset = virtualAddress - sourceVa;
        // Length is a ULONG: "the rest of the source" from a start past its end wraps to about 4 GiB.
        long len = length == 0 ? (Integer.toUnsignedLong(s.byteCount) - offset) & 0xFFFF_FFFFL
                : Integer.toUnsignedLong(length);
        boolean outside = Long.compareUnsigned(virtualAddress, sourceVa) < 0
                || Long.compareUnsigned(offset, Integer.toUnsignedLong(s.byteCount)) > 0
                || Long.compareUnsigned(offset + len, Integer.toUnsignedLong(s.byteCount)) > 0;
        if (outside && profile.partialRangeBugCheck()) {
            throw bugChecks.stop(BugChecks.INVALID_MDL_RANGE, s.address, virtualAddress, len, 0);
        }
        int pages = SimKernel.span(virtualAddress, len);
        if (pages > t.pfns.length) {
            throw bugChecks.stop(BugChecks.TARGET_MDL_TOO_SMALL, s.address, t.address, pages, t.pfns.length);
        }
        t.startVa = virtualAddress & ~0xFFFL;
        t.byteOffset = (int) (virtualAddress & 0xFFF);
        t.byteCount = (int) len;
        t.process = s.process;
        t.flags = (t.flags & (MDL_ALLOCATED_FIXED_SIZE | MDL_PAGE_CONTENTS_INVARIANT))
                | (s.flags & (MDL_IO_PAGE_READ | MDL_SOURCE_IS_NONPAGED_POOL | MDL_MAPPED_TO_SYSTEM_VA | MDL_IO_SPACE))
                | MDL_PARTIAL;
        t.mappedSystemVa = s.mappedSystemVa + offset;
        int from = (int) ((t.startVa - s.startVa) >> 12);
        for (int i = 0; i < pages; i++) {
            int j = from + i;
            t.pfns[i] = j >= 0 && j < s.pfns.length ? s.pfns[j] : poison.pfn();
        }
        t.source = s;
    }
}
