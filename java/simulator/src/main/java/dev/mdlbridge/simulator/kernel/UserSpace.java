package dev.mdlbridge.simulator.kernel;

import dev.mdlbridge.protocol.DosErrors;
import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's user address space: VirtualAlloc and friends as the process sees them, and the page-level access
 * the memory manager performs on its behalf (faults, guard pages, demand-zero, page-in). All calls run under the
 * kernel's lock.
 */
final class UserSpace implements AddressSpace {

    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_INVALID_PARAMETER = 87;
    static final int ERROR_INVALID_ADDRESS = 487;
    static final int ERROR_NOACCESS = 998;
    static final long FIRST_ADDRESS = 0x0000_01F0_0000_0000L;
    static final long GRANULARITY = 0x10000;

    private final SimKernel kernel;
    private final PhysicalMemory ram;
    private final TreeMap<Long, Region> regions = new TreeMap<>();
    private long next = FIRST_ADDRESS;

    UserSpace(SimKernel kernel, PhysicalMemory ram) {
        this.kernel = kernel;
        this.ram = ram;
    }

    Region find(long va) {
        Map.Entry<Long, Region> e = regions.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    boolean overlaps(long base, long end) {
        Map.Entry<Long, Region> e = regions.lowerEntry(end);
        return e != null && Long.compareUnsigned(e.getValue().end(), base) > 0;
    }

    long reserveAddress(long bytes) {
        long base = next;
        next += (bytes + GRANULARITY - 1) & ~(GRANULARITY - 1);
        return base;
    }

    void insert(Region r) {
        regions.put(r.base, r);
    }

    void remove(Region r) {
        for (int i = 0; i < r.pages; i++) {
            if (r.frame[i] >= 0 && !r.view) {
                ram.release(r.frame[i]);
            }
            r.frame[i] = -1;
        }
        regions.remove(r.base);
    }

    /** Everything goes at process exit; locked frames stay until their last unlock. */
    void teardown() {
        for (Region r : regions.values().toArray(new Region[0])) {
            remove(r);
        }
    }

    /** Protection modifiers that choose the memory type of a user page (section 14.1): VirtualAlloc and
     *  VirtualProtect accept one of them with any base protection except PAGE_NOACCESS, never with PAGE_GUARD. */
    static final int PAGE_NOCACHE = 0x200;
    static final int PAGE_WRITECOMBINE = 0x400;

    static boolean validProtect(int p) {
        int cache = p & (PAGE_NOCACHE | PAGE_WRITECOMBINE);
        if (cache != 0) {
            if (cache == (PAGE_NOCACHE | PAGE_WRITECOMBINE) || (p & UserMemory.PAGE_GUARD) != 0
                    || (p & 0xFF) == UserMemory.PAGE_NOACCESS) {
                return false;
            }
            p &= ~cache;
        }
        int base = p & ~UserMemory.PAGE_GUARD;
        return base == UserMemory.PAGE_NOACCESS || base == UserMemory.PAGE_READONLY || base == UserMemory.PAGE_READWRITE
                || base == UserMemory.PAGE_WRITECOPY || base == UserMemory.PAGE_EXECUTE
                || base == UserMemory.PAGE_EXECUTE_READ || base == UserMemory.PAGE_EXECUTE_READWRITE;
    }

    static boolean readable(int p) {
        int b = p & 0xFF;
        return b != UserMemory.PAGE_NOACCESS && b != UserMemory.PAGE_EXECUTE;
    }

    static boolean writable(int p) {
        int b = p & 0xFF;
        return b == UserMemory.PAGE_READWRITE || b == UserMemory.PAGE_EXECUTE_READWRITE || b == UserMemory.PAGE_WRITECOPY;
    }

    // ------------------------------------------------------------------------------------ the process's view

    @Override
    public long allocate(long size, int protect, boolean reserveOnly) {
        synchronized (kernel) {
            kernel.checkAlive();
            if (size <= 0) {
                throw new UserMemoryException("VirtualAlloc", ERROR_INVALID_PARAMETER, "size must be at least 1 byte");
            }
            if (!validProtect(protect) || (protect & UserMemory.PAGE_GUARD) != 0 && (protect & 0xFF) == UserMemory.PAGE_NOACCESS) {
                throw new UserMemoryException("VirtualAlloc", ERROR_INVALID_PARAMETER,
                        String.format("protection 0x%X is not a valid PAGE_* value", protect));
            }
            long pages = (size + 4095) >>> 12;
            if (pages > Integer.MAX_VALUE || Long.compareUnsigned(next + (pages << 12), kernel.highestUserAddress()) > 0) {
                throw new UserMemoryException("VirtualAlloc", ERROR_NOT_ENOUGH_MEMORY, size + " bytes do not fit");
            }
            Region r = new Region(reserveAddress(pages << 12), (int) pages, false);
            if (!reserveOnly) {
                java.util.Arrays.fill(r.state, Region.COMMITTED);
                java.util.Arrays.fill(r.protect, protect);
                r.cacheTyped = (protect & (PAGE_NOCACHE | PAGE_WRITECOMBINE)) != 0;
            }
            insert(r);
            return r.base;
        }
    }

    private Region committedRange(String op, long address, long size) {
        Region r = find(address);
        if (r == null || size <= 0 || Long.compareUnsigned(address + size, r.end()) > 0 || address + size < address) {
            throw new UserMemoryException(op, ERROR_INVALID_ADDRESS, String.format(
                    "[0x%X, +0x%X) is not inside one allocation", address, size));
        }
        return r;
    }

    @Override
    public int protect(long address, long size, int protect) {
        synchronized (kernel) {
            kernel.checkAlive();
            Region r = committedRange("VirtualProtect", address, size);
            if (!validProtect(protect)) {
                throw new UserMemoryException("VirtualProtect", ERROR_INVALID_PARAMETER,
                        String.format("protection 0x%X is not a valid PAGE_* value", protect));
            }
            int first = r.index(address);
            int last = r.index(address + size - 1);
            for (int i = first; i <= last; i++) {
                if (!r.committed(i)) {
                    throw new UserMemoryException("VirtualProtect", ERROR_INVALID_ADDRESS, "a page of the range is not committed");
                }
            }
            int old = r.protect[first];
            for (int i = first; i <= last; i++) {
                r.protect[i] = protect;
            }
            r.cacheTyped |= (protect & (PAGE_NOCACHE | PAGE_WRITECOMBINE)) != 0;
            return old;
        }
    }

    @Override
    public void decommit(long address, long size) {
        synchronized (kernel) {
            kernel.checkAlive();
            Region r = committedRange("VirtualFree", address, size);
            if (r.view) {
                throw new UserMemoryException("VirtualFree", ERROR_INVALID_ADDRESS,
                        "a locked-pages view cannot be decommitted (STATUS_UNABLE_TO_DELETE_SECTION)");
            }
            for (int i = r.index(address); i <= r.index(address + size - 1); i++) {
                if (r.frame[i] >= 0) {
                    ram.release(r.frame[i]);   // an MDL that locked it keeps the frame until its unlock
                    r.frame[i] = -1;
                }
                r.state[i] = 0;
                r.protect[i] = 0;
                r.pageFile.remove(i);
            }
        }
    }

    @Override
    public void release(long address) {
        synchronized (kernel) {
            kernel.checkAlive();
            Region r = regions.get(address);
            if (r == null) {
                throw new UserMemoryException("VirtualFree", ERROR_INVALID_ADDRESS, String.format(
                        "0x%X is not the base of an allocation (MEM_RELEASE takes the address VirtualAlloc returned)", address));
            }
            if (r.view) {
                throw new UserMemoryException("VirtualFree", ERROR_INVALID_ADDRESS,
                        "a locked-pages view cannot be released (STATUS_UNABLE_TO_DELETE_SECTION)");
            }
            remove(r);
        }
    }

    /**
     * {@code NtReadVirtualMemory} on the own process, as the Windows backend calls it. The memory manager copies
     * under an exception handler and turns any fault during the copy (free, reserved, decommitted, no-access or
     * guard page, a failed page-in) into STATUS_PARTIAL_COPY (0x8000000D, Win32 299); a guard page is consumed as
     * by any access.
     */
    @Override
    public void read(long address, byte[] target, int offset, int length) {
        synchronized (kernel) {
            kernel.checkAlive();
            try {
                copy(address, target, offset, length, false);
            } catch (NtStatusException e) {
                throw userError("NtReadVirtualMemory", STATUS_PARTIAL_COPY, address, e);
            }
        }
    }

    /**
     * {@code NtWriteVirtualMemory} on the own process. Unlike kernel32's WriteProcessMemory it changes no
     * protection: the target range is probed for write, every page, before anything is copied, and the probe's
     * own exception is the status (STATUS_ACCESS_VIOLATION for a page that is not committed or not writable,
     * execute-only included; the guard-page status for a guard page, consumed), with nothing written.
     */
    @Override
    public void write(long address, byte[] source, int offset, int length) {
        synchronized (kernel) {
            kernel.checkAlive();
            try {
                for (long va = address & ~0xFFFL; length > 0 && Long.compareUnsigned(va, address + length) < 0;
                     va += 4096) {
                    touch(Math.max(va, address), true, true);
                }
                copy(address, source, offset, length, true);
            } catch (NtStatusException e) {
                throw userError("NtWriteVirtualMemory", e.status(), address, e);
            }
        }
    }

    /** STATUS_PARTIAL_COPY: a read that faulted part-way (or at its first byte). */
    static final int STATUS_PARTIAL_COPY = 0x8000000D;

    private static UserMemoryException userError(String op, int status, long address, NtStatusException e) {
        return new UserMemoryException(op, status, DosErrors.of(status), String.format(
                "a page at or after 0x%X cannot be touched (raised 0x%08X)", address, e.status()));
    }

    // ------------------------------------------------------------------------ the memory manager's access

    /** Copies between user memory and a buffer, page by page, faulting pages in as a user-mode access would. */
    void copy(long address, byte[] buffer, int offset, int length, boolean write) throws NtStatusException {
        long va = address;
        int done = 0;
        while (done < length) {
            int inPage = (int) (va & 0xFFF);
            int n = Math.min(length - done, 4096 - inPage);
            long frame = touch(va, write, true);
            if (ram.freed(frame)) {
                throw kernel.freedFrameTouched(va, write); // a view of pages freed under it (see SimKernel)
            }
            if (write) {
                ram.write(frame, inPage, buffer, offset + done, n);
            } else {
                ram.read(frame, inPage, buffer, offset + done, n);
            }
            done += n;
            va += n;
        }
    }

    /**
     * Makes the page at {@code va} resident for an access and returns its frame. Raises what the access would:
     * STATUS_ACCESS_VIOLATION (free, reserved, no-access, a write to a read-only page),
     * the guard-page status (clearing the guard: one-shot), STATUS_IN_PAGE_ERROR (a page that cannot be read back).
     *
     * @param checkWrite a write must find a writable page (the probe-for-write of a user address)
     */
    long touch(long va, boolean checkWrite, boolean honourGuard) throws NtStatusException {
        return touch(find(va), va, checkWrite, honourGuard);
    }

    /** {@link #touch(long, boolean, boolean)} with the region already looked up (null: none contains va). */
    long touch(Region r, long va, boolean checkWrite, boolean honourGuard) throws NtStatusException {
        if (r == null) {
            throw new NtStatusException(SimKernel.STATUS_ACCESS_VIOLATION);
        }
        int i = r.index(va);
        if (!r.committed(i) || !readable(r.protect[i])) {
            throw new NtStatusException(SimKernel.STATUS_ACCESS_VIOLATION);
        }
        if (honourGuard && (r.protect[i] & UserMemory.PAGE_GUARD) != 0) {
            r.protect[i] &= ~UserMemory.PAGE_GUARD;
            throw new NtStatusException(kernel.profile().guardPageStatus());
        }
        if (checkWrite && !writable(r.protect[i])) {
            throw new NtStatusException(SimKernel.STATUS_ACCESS_VIOLATION);
        }
        if (r.frame[i] < 0) {
            if ((r.state[i] & Region.FAIL_PAGE_IN) != 0) {
                throw new NtStatusException(SimKernel.STATUS_IN_PAGE_ERROR);
            }
            long f = ram.allocate();
            if (f < 0) {
                throw new NtStatusException(SimKernel.STATUS_WORKING_SET_QUOTA);
            }
            r.frame[i] = f;
            if ((r.state[i] & Region.PAGED_OUT) != 0) {
                ram.putContents(f, r.pageFile.remove(i));
                r.state[i] &= ~Region.PAGED_OUT;
            }
        }
        return r.frame[i];
    }

    /** OR of the cache modifiers (PAGE_NOCACHE, PAGE_WRITECOMBINE) over the committed pages of the range. */
    int cacheModifiers(long address, long length) {
        int found = 0;
        long end = address + Math.max(length, 1);
        long va = address & ~0xFFFL;
        while (Long.compareUnsigned(va, end) < 0 && va >= 0) {
            Region r = find(va);
            if (r == null) {
                Map.Entry<Long, Region> next = regions.higherEntry(va);
                if (next == null) {
                    break;
                }
                va = next.getKey();
                continue;
            }
            for (int i = r.index(va); r.cacheTyped && i < r.pages
                    && Long.compareUnsigned(r.base + ((long) i << 12), end) < 0; i++) {
                if (r.committed(i)) {
                    found |= r.protect[i] & (PAGE_NOCACHE | PAGE_WRITECOMBINE);
                }
            }
            va = r.end();
        }
        return found;
    }

    /** The frame behind a resident page, or -1. */
    long residentFrame(long va) {
        Region r = find(va);
        return r == null ? -1 : r.frame[r.index(va)];
    }

    int protection(long va) {
        Region r = find(va);
        if (r == null) {
            return 0;
        }
        int i = r.index(va);
        return r.committed(i) ? r.protect[i] : 0;
    }

    void pageOut(long address, long size, boolean failPageIn) {
        long va = address & ~0xFFFL;
        while (Long.compareUnsigned(va, address + size) < 0) {
            Region r = find(va);
            if (r != null && !r.view) {
                int i = r.index(va);
                long f = r.frame[i];
                if (r.committed(i) && f >= 0 && ram.lockCount(f) == 0) {
                    byte[] page = ram.takeContents(f);
                    if (page != null) {
                        r.pageFile.put(i, page);
                    }
                    ram.free(f);
                    r.frame[i] = -1;
                    r.state[i] |= Region.PAGED_OUT;
                }
                if (r.committed(i) && r.frame[i] < 0 && failPageIn) {
                    r.state[i] |= Region.FAIL_PAGE_IN;
                }
            }
            va += 4096;
        }
    }
}
