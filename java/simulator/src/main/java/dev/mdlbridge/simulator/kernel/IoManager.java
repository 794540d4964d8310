package dev.mdlbridge.simulator.kernel;

import java.util.function.ToIntFunction;

/**
 * Windows' I/O manager as far as MDLs go: IRPs, their completion ({@code IofCompleteRequest} unlocking and
 * {@code IopCompleteRequest} freeing the IRP's MDL chain), and the METHOD_IN_DIRECT / METHOD_OUT_DIRECT dispatch
 * that builds and locks the IRP's own MDL for the output buffer before the driver runs (mdl-semantics.md
 * section 5). It holds no state of its own: an IRP carries its MDL chain, and the MDL work is the memory
 * manager's, reached through the kernel's DDIs exactly as the real I/O manager calls them.
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

    IoManager(Kernel kernel) {
        this.kernel = kernel;
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
}
