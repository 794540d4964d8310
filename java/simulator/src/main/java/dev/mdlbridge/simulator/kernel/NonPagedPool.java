package dev.mdlbridge.simulator.kernel;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nonpaged pool of Windows' memory manager ({@code ExAllocatePoolWithTag(NonPagedPoolNx)}): blocks whose pages
 * are resident frames from the start, handed out from one growing range of kernel addresses. MDLs take their
 * addresses from the same range (they are pool allocations on Windows too), so an MDL and a pool block never
 * share an address, and the pool's fault injection ({@code poolFailAfter}) fails both.
 *
 * <p>Blocks smaller than a page share their virtual page, and so its frame, with their neighbours: one VA page
 * has one PFN however it is reached (WINDOWS-MDL-RULES.md section 3.13). A page's frame goes back to physical memory
 * with the last block that uses it, through {@link PhysicalMemory#releaseByOwner}, which remembers a frame freed
 * while a lock still holds it: that is what the freed-memory detection (an access through an old mapping or MDL)
 * looks at.
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it, so it has no lock of its
 * own. It raises no bug checks either; it reports (a null, a false) and the kernel decides.
 */
final class NonPagedPool {

    /** A pool block: where it is, how big, its tag, and the frame behind each page it spans. */
    private record Block(long address, long size, int tag, long[] frames) {
    }

    /** A virtual page of the pool: its frame, and how many live blocks use it. */
    private static final class SharedPage {
        final long frame;
        int users = 1;

        SharedPage(long frame) {
            this.frame = frame;
        }
    }

    private final PhysicalMemory ram;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();
    private final Map<Long, SharedPage> pages = new HashMap<>();
    private long next;
    /** Fault injection: -1 never fails; else how many allocations succeed before every one fails. */
    private long allocationsLeft;

    NonPagedPool(PhysicalMemory ram, long base, long failAfter) {
        this.ram = ram;
        this.next = base;
        this.allocationsLeft = failAfter;
    }

    /** Charges one allocation against fault injection; false = this one fails. */
    boolean allocationAllowed() {
        if (allocationsLeft < 0) {
            return true;
        }
        if (allocationsLeft == 0) {
            return false;
        }
        allocationsLeft--;
        return true;
    }

    /** The next pool address for {@code size} bytes: page-aligned from a page up, 16-byte aligned below. */
    long allocateAddress(long size) {
        long align = size >= 4096 ? 4096 : 16;
        long a = (next + align - 1) & -align;
        next = a + Math.max(16, size);
        return a;
    }

    /** A block of {@code size} bytes, its new pages filled with leftover garbage; 0 when the allocation is
     *  refused (size, fault injection) or physical memory runs out. */
    long allocate(long size, int tag) {
        if (size <= 0 || !allocationAllowed()) {
            return 0;
        }
        long address = allocateAddress(size);
        int count = SimKernel.span(address, size);
        long[] frames = new long[count];
        for (int i = 0; i < count; i++) {
            long page = (address & ~0xFFFL) + ((long) i << 12);
            SharedPage shared = pages.get(page);
            if (shared != null) {
                shared.users++;
                frames[i] = shared.frame;
                continue;
            }
            frames[i] = ram.allocate();
            if (frames[i] < 0) {
                release(address, frames, i);
                return 0;
            }
            ram.markGarbage(frames[i]);
            pages.put(page, new SharedPage(frames[i]));
        }
        blocks.put(address, new Block(address, size, tag, frames));
        return address;
    }

    /** Frees the block at {@code address}; false (and nothing changes) when no block starts there. */
    boolean free(long address) {
        Block b = blocks.remove(address);
        if (b == null) {
            return false;
        }
        release(b.address, b.frames, b.frames.length);
        return true;
    }

    /** Drops a block's use of its first {@code count} pages; a page's frame goes with its last block. */
    private void release(long address, long[] frames, int count) {
        for (int i = 0; i < count; i++) {
            long page = (address & ~0xFFFL) + ((long) i << 12);
            SharedPage shared = pages.get(page);
            if (shared != null && --shared.users == 0) {
                pages.remove(page);
                ram.releaseByOwner(frames[i]);
            }
        }
    }

    /** The frame behind a pool VA, or -1. The pool is mapped a page at a time: any byte of a page that some live
     *  block uses is valid, as on Windows. */
    long frame(long va) {
        SharedPage shared = pages.get(va & ~0xFFFL);
        return shared != null ? shared.frame : -1;
    }

    /** Whether a live block uses this page (what MmBuildMdlForNonPagedPool under Verifier accepts). */
    boolean containsPage(long page) {
        return pages.containsKey(page);
    }

    int blockCount() {
        return blocks.size();
    }

    long bytes() {
        long sum = 0;
        for (Block b : blocks.values()) {
            sum += b.size;
        }
        return sum;
    }

    /** Folds the pool's layout (every block's address and size, in address order) into the census digest. */
    long digest(long digest) {
        for (Block b : blocks.values()) {
            digest = digest * 31 + b.address * 7 + b.size;
        }
        return digest;
    }
}
