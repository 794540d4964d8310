package dev.mdlbridge.simulator.kernel;

/**
 * The kernel half of the virtual address space, as the simulated machine has it: the nonpaged pool, then the system
 * PTE mappings; nothing else is mapped. It answers "which frame is behind this kernel VA" (for a KernelMode probe,
 * MmBuildMdlForNonPagedPool and kernel-mode copies) and does the copies, which fault as Windows would: an unmapped
 * VA is bug check 0x50 (WINDOWS-MDL-RULES.md rule 5), a write through an {@code MdlMappingNoWrite} mapping 0xBE
 * (section 3.6).
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it, so it has no lock of its
 * own.
 */
final class KernelSpace {

    private final PhysicalMemory ram;
    private final NonPagedPool pool;
    private final SystemPtes systemPtes;
    private final BugCheckLatch bugChecks;

    KernelSpace(PhysicalMemory ram, NonPagedPool pool, SystemPtes systemPtes, BugCheckLatch bugChecks) {
        this.ram = ram;
        this.pool = pool;
        this.systemPtes = systemPtes;
        this.bugChecks = bugChecks;
    }

    /** The frame behind a kernel VA, or -1 when nothing maps it. */
    long frame(long va) {
        long frame = pool.frame(va);
        return frame >= 0 ? frame : systemPtes.frame(va);
    }

    /** Copies between {@code buffer} and kernel memory at {@code address}, a page at a time. */
    void copy(long address, byte[] buffer, int offset, int length, boolean write) {
        int done = 0;
        long va = address;
        while (done < length) {
            int inPage = (int) (va & 0xFFF);
            int n = Math.min(length - done, 4096 - inPage);
            long frame = frame(va);
            // A system mapping may still name frames whose pool block or page allocation was freed under it:
            // Windows would silently touch someone else's memory; the simulator stops as special pool would.
            if (frame < 0 || ram.freed(frame)) {
                throw bugChecks.pageFault(va, write);
            }
            if (write) {
                if (systemPtes.readOnly(va)) {
                    throw bugChecks.stop(BugChecks.ATTEMPTED_WRITE_TO_READONLY_MEMORY, va, 0, 0, 0);
                }
                ram.write(frame, inPage, buffer, offset + done, n);
            } else {
                ram.read(frame, inPage, buffer, offset + done, n);
            }
            done += n;
            va += n;
        }
    }
}
