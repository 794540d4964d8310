package dev.mdlbridge.simulator.fuzz;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.ProtocolException;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.ReplyDecoder;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.UserMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded random and mutated requests against the simulated driver, through the same byte-level channel the
 * real driver has: known and unknown control codes, sizes 0..64 KiB, truncated and oversized buffers, wrong
 * magic and versions, live, stale and foreign ids, user, kernel and wrapping addresses, huge lengths, small output
 * buffers, calls from a second process through a duplicated handle, and METHOD_*_DIRECT calls.
 *
 * <p>Every answer is checked: the channel never throws, the machine never bug-checks, a failed IRP carries a
 * known NTSTATUS and no bytes, a completed one a reply that decodes, whose size and stage agree with its status;
 * and the structural rules of mdlbridge.h hold (unknown code, short or mis-sized request, wrong magic/version,
 * foreign process: the IRP fails). {@link #finish()} then releases everything and checks nothing is left.
 */
public final class RequestFuzzer {

    static final int[] BUFFERED_CODES = {Protocol.IOCTL_INFO, Protocol.IOCTL_RELEASE_ALL, Protocol.IOCTL_SIZE_OF_MDL,
            Protocol.IOCTL_ALLOCATE_MDL, Protocol.IOCTL_INITIALIZE_MDL, Protocol.IOCTL_PROBE_AND_LOCK,
            Protocol.IOCTL_MAP_SYSTEM, Protocol.IOCTL_MAP_USER, Protocol.IOCTL_UNMAP, Protocol.IOCTL_READ_MAPPED,
            Protocol.IOCTL_WRITE_MAPPED, Protocol.IOCTL_BUILD_PARTIAL, Protocol.IOCTL_BUILD_NONPAGED,
            Protocol.IOCTL_UNLOCK, Protocol.IOCTL_FREE_MDL, Protocol.IOCTL_POOL_ALLOCATE, Protocol.IOCTL_POOL_FREE,
            Protocol.IOCTL_QUERY, Protocol.IOCTL_DESCRIBE_CHAIN, Protocol.IOCTL_ALLOCATE_PAGES,
            Protocol.IOCTL_FREE_PAGES, Protocol.IOCTL_DIRECT_FETCH};
    static final int[] DIRECT_CODES = {Protocol.IOCTL_DIRECT_IN, Protocol.IOCTL_DIRECT_OUT};

    /** The fixed request size of a buffered code, or -1 when it varies (WRITE_MAPPED, DESCRIBE_CHAIN). */
    static int fixedSize(int code) {
        if (code == Protocol.IOCTL_INFO || code == Protocol.IOCTL_RELEASE_ALL || code == Protocol.IOCTL_DIRECT_FETCH
                || code == Protocol.IOCTL_DIRECT_IN || code == Protocol.IOCTL_DIRECT_OUT) {
            return Protocol.REQUEST_HEADER_SIZE;
        }
        if (code == Protocol.IOCTL_SIZE_OF_MDL) {
            return Protocol.REQ_RANGE_SIZE;
        }
        if (code == Protocol.IOCTL_ALLOCATE_MDL || code == Protocol.IOCTL_INITIALIZE_MDL) {
            return Protocol.REQ_ALLOCATE_MDL_SIZE;
        }
        if (code == Protocol.IOCTL_PROBE_AND_LOCK) {
            return Protocol.REQ_PROBE_SIZE;
        }
        if (code == Protocol.IOCTL_MAP_SYSTEM) {
            return Protocol.REQ_MAP_SYSTEM_SIZE;
        }
        if (code == Protocol.IOCTL_MAP_USER) {
            return Protocol.REQ_MAP_USER_SIZE;
        }
        if (code == Protocol.IOCTL_UNMAP) {
            return Protocol.REQ_MAPPING_SIZE;
        }
        if (code == Protocol.IOCTL_READ_MAPPED) {
            return Protocol.REQ_TRANSFER_SIZE;
        }
        if (code == Protocol.IOCTL_BUILD_PARTIAL) {
            return Protocol.REQ_BUILD_PARTIAL_SIZE;
        }
        if (code == Protocol.IOCTL_FREE_MDL) {
            return Protocol.REQ_FREE_MDL_SIZE;
        }
        if (code == Protocol.IOCTL_POOL_ALLOCATE) {
            return Protocol.REQ_POOL_ALLOCATE_SIZE;
        }
        if (code == Protocol.IOCTL_ALLOCATE_PAGES) {
            return Protocol.REQ_ALLOCATE_PAGES_SIZE;
        }
        if (code == Protocol.IOCTL_BUILD_NONPAGED || code == Protocol.IOCTL_UNLOCK || code == Protocol.IOCTL_QUERY
                || code == Protocol.IOCTL_FREE_PAGES || code == Protocol.IOCTL_POOL_FREE) {
            return Protocol.REQ_OBJECT_SIZE;
        }
        return -1;
    }

    static boolean known(int code) {
        for (int c : BUFFERED_CODES) {
            if (c == code) {
                return true;
            }
        }
        return code == Protocol.IOCTL_DIRECT_IN || code == Protocol.IOCTL_DIRECT_OUT;
    }

    private final Sim sim;
    private RawHandle owner;
    private final UserMemory memory;
    private final SplittableRandom random;
    private final long seed;
    private DeviceChannel foreign;
    private final List<long[]> buffers = new ArrayList<>();      // {address, size}
    private final List<Integer> liveIds = new ArrayList<>();
    private final List<Integer> staleIds = new ArrayList<>();
    private final List<Long> kernelAddresses = new ArrayList<>();
    private final ByteBuffer bigReply = ByteBuffer.allocate(Protocol.REPLY_BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);

    private long requests;
    private long foreignCalls;
    private long directCalls;
    private long reopens;
    private final Map<String, Long> irpFailures = new TreeMap<>();
    private final Map<String, Long> replyStatuses = new TreeMap<>();
    private final Map<String, Long> divergences = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private long violationCount;

    public RequestFuzzer(Sim sim, long seed) {
        this.sim = sim;
        this.seed = seed;
        this.owner = sim.open();
        this.memory = sim.backend.userMemory();
        this.random = new SplittableRandom(seed);
    }

    // ------------------------------------------------------------------------------------------- driving

    /** Sends {@code n} more requests. */
    public void run(long n) {
        long target = requests + n;
        while (requests < target) {
            step();
        }
    }

    private void step() {
        int pick = random.nextInt(1000);
        if (buffers.isEmpty() || pick < 15) {
            newBuffer();
        } else if (pick < 25) {
            releaseBuffer();
        } else if (pick < 35) {
            releaseAllMidway();
        } else if (pick < 38) {
            closeAndReopen();
        } else if (pick < 75) {
            foreignCall();
        } else if (pick < 95) {
            directCall();
        } else {
            int code = code();
            byte[] request = request(code);
            send(owner.channel, code, request, false);
        }
    }

    private void newBuffer() {
        if (buffers.size() >= 24) {
            releaseBuffer();
        }
        long size = (1 + random.nextInt(random.nextInt(8) == 0 ? 256 : 16)) * 4096L;
        int protect = switch (random.nextInt(8)) {
            case 0 -> UserMemory.PAGE_READONLY;
            case 1 -> UserMemory.PAGE_NOACCESS;
            case 2 -> UserMemory.PAGE_READWRITE | UserMemory.PAGE_GUARD;
            default -> UserMemory.PAGE_READWRITE;
        };
        boolean reserveOnly = random.nextInt(10) == 0;
        try {
            buffers.add(new long[] {memory.allocate(size, protect, reserveOnly), size});
        } catch (RuntimeException e) {
            violation("VirtualAlloc(" + size + ", 0x" + Integer.toHexString(protect) + ") threw " + e);
        }
    }

    private void releaseBuffer() {
        if (buffers.isEmpty()) {
            return;
        }
        long[] b = buffers.remove(random.nextInt(buffers.size()));
        try {
            memory.release(b[0]); // legal even while an MDL has its pages locked
        } catch (RuntimeException e) {
            violation("VirtualFree(MEM_RELEASE) threw " + e);
        }
    }

    private void releaseAllMidway() {
        byte[] h = header(Protocol.REQUEST_HEADER_SIZE);
        send(owner.channel, Protocol.IOCTL_RELEASE_ALL, h, false);
        staleIds.addAll(liveIds);
        liveIds.clear();
        kernelAddresses.clear();
        if (staleIds.size() > 4096) {
            staleIds.subList(0, staleIds.size() - 4096).clear();
        }
    }

    /** Closes the handle holding whatever it holds (CLEANUP releases it), checks, and opens a fresh one. */
    private void closeAndReopen() {
        reopens++;
        try {
            if (foreign != null) {
                foreign.close();
                foreign = null;
            }
            owner.channel.close();
            owner = sim.open();
            Info info = owner.info();
            if (!info.processUse().counters().isZero()) {
                violation("after closing the only handle the process still holds " + info.processUse().counters());
            }
            long kernelLocked = sim.control.processLockedPages();
            if (kernelLocked != 0) {
                violation("after closing the only handle the kernel counts " + kernelLocked + " locked pages");
            }
        } catch (SimulatedBugCheckException e) {
            violation("closing a handle bug-checked: " + e.bugCheck());
            throw e;
        } catch (RuntimeException | AssertionError e) {
            violation("closing and reopening a handle failed: " + e);
            owner = sim.open();
        }
        staleIds.addAll(liveIds);
        liveIds.clear();
        kernelAddresses.clear();
    }

    private void foreignCall() {
        if (foreign == null) {
            try {
                foreign = sim.control.duplicateIntoOtherProcess(owner.channel);
            } catch (RuntimeException e) {
                violation("duplicateIntoOtherProcess threw " + e);
                return;
            }
        }
        foreignCalls++;
        int code = code();
        send(foreign, code, request(code), true);
    }

    private void directCall() {
        directCalls++;
        requests++;
        int code = DIRECT_CODES[random.nextInt(2)];
        long address = address();
        int length = random.nextInt(4) == 0 ? 0 : (int) Math.min(length32(), 1 << 20);
        ByteBuffer req = ByteBuffer.wrap(request(code)).order(ByteOrder.LITTLE_ENDIAN);
        IoResult r;
        try {
            r = owner.channel.controlDirect(code, req, address, length);
        } catch (SimulatedBugCheckException e) {
            violation(String.format("controlDirect(0x%08X, 0x%X, %d) bug-checked: %s", code, address, length, e));
            throw e;
        } catch (RuntimeException e) {
            violation(String.format("controlDirect(0x%08X, 0x%X, %d) threw %s", code, address, length, e));
            return;
        }
        if (!r.ok()) {
            count(irpFailures, "DIRECT " + NtStatus.of(r.ntStatus()).name());
            if (NtStatus.of(r.ntStatus()).name().startsWith("NTSTATUS_") || r.ntStatus() == 0) {
                violation(String.format("controlDirect failed with an unknown status 0x%08X", r.ntStatus()));
            }
        } else {
            count(replyStatuses, "DIRECT ok");
        }
    }

    // ------------------------------------------------------------------------------------- generating

    private int code() {
        int p = random.nextInt(100);
        if (p < 78) {
            return BUFFERED_CODES[random.nextInt(BUFFERED_CODES.length)];
        }
        if (p < 82) {
            return DIRECT_CODES[random.nextInt(2)]; // a DIRECT code through the buffered path
        }
        if (p < 90) {
            // a vendor code next to ours: unknown function, or ours with another method or access
            int fn = 0x7F0 + random.nextInt(0x40);
            return Protocol.ctlCode(fn, random.nextInt(4), random.nextInt(4));
        }
        if (p < 95) {
            int c = BUFFERED_CODES[random.nextInt(BUFFERED_CODES.length)];
            return c ^ (1 << random.nextInt(32));
        }
        return random.nextInt();
    }

    private byte[] header(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        if (size >= 16) {
            b.putInt(0, Protocol.MAGIC);
            b.putShort(4, (short) Protocol.PROTOCOL_VERSION);
            b.putInt(8, 0);
            b.putInt(12, Protocol.MAX_INLINE_PFNS);
        }
        return b.array();
    }

    /** A request for {@code code}: well-formed-looking first, then mutated. */
    private byte[] request(int code) {
        int size = fixedSize(code);
        ByteBuffer b;
        if (code == Protocol.IOCTL_WRITE_MAPPED) {
            int len = random.nextInt(10) == 0 ? random.nextInt() : random.nextInt(Protocol.MAX_TRANSFER + 1);
            int actual = Integer.compareUnsigned(len, Protocol.MAX_TRANSFER + 64) > 0 ? random.nextInt(256) : len;
            b = ByteBuffer.allocate(Protocol.REQ_TRANSFER_SIZE + actual).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(16, id());
            b.putInt(20, id());
            b.putInt(24, smallOffset());
            b.putInt(28, len);
            for (int i = Protocol.REQ_TRANSFER_SIZE; i < b.capacity(); i += 61) {
                b.put(i, (byte) random.nextInt());
            }
        } else if (code == Protocol.IOCTL_DESCRIBE_CHAIN) {
            int count = random.nextInt(10) == 0 ? random.nextInt() : random.nextInt(Protocol.MAX_CHAIN_RANGES + 2);
            int actual = count >= 0 && count <= Protocol.MAX_CHAIN_RANGES + 1 ? count : random.nextInt(4);
            b = ByteBuffer.allocate(Protocol.REQ_CHAIN_SIZE + Protocol.CHAIN_RANGE_SIZE * actual)
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(16, count);
            b.putInt(20, random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(2));
            for (int i = 0; i < actual; i++) {
                int at = Protocol.REQ_CHAIN_SIZE + Protocol.CHAIN_RANGE_SIZE * i;
                b.putLong(at, address());
                b.putInt(at + 8, length32());
                b.put(at + 12, (byte) (random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(3)));
            }
        } else {
            b = ByteBuffer.allocate(size < 0 ? random.nextInt(64) : size).order(ByteOrder.LITTLE_ENDIAN);
            fill(code, b);
        }
        byte[] h = header(Math.min(16, b.capacity()));
        b.put(0, h, 0, h.length);
        if (b.capacity() >= 16) {
            if (random.nextInt(6) == 0) {
                b.putInt(8, random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(1 << 21));
            }
            if (random.nextInt(6) == 0) {
                b.putInt(12, random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(3 * Protocol.MAX_INLINE_PFNS));
            }
        }
        return mutate(b.array());
    }

    private void fill(int code, ByteBuffer b) {
        if (b.capacity() < 24) {
            return;
        }
        if (code == Protocol.IOCTL_SIZE_OF_MDL) {
            b.putLong(16, address());
            b.putLong(24, random.nextInt(4) == 0 ? random.nextLong() : length32() & 0xFFFFFFFFL);
        } else if (code == Protocol.IOCTL_ALLOCATE_MDL || code == Protocol.IOCTL_INITIALIZE_MDL) {
            b.putLong(16, address());
            b.putInt(24, length32());
        } else if (code == Protocol.IOCTL_PROBE_AND_LOCK) {
            b.putInt(16, id());
            b.put(20, (byte) (random.nextInt(10) == 0 ? random.nextInt() : (random.nextInt(5) == 0 ? 0 : 1)));
            b.put(21, (byte) (random.nextInt(10) == 0 ? random.nextInt() : random.nextInt(3)));
        } else if (code == Protocol.IOCTL_MAP_SYSTEM) {
            b.putInt(16, id());
            b.putInt(20, priority());
        } else if (code == Protocol.IOCTL_MAP_USER) {
            b.putInt(16, id());
            b.putInt(20, random.nextInt(8) == 0 ? random.nextInt(4) : Protocol.MM_CACHED);
            b.putLong(24, random.nextInt(6) == 0 ? address() : 0);
            b.putInt(32, priority());
        } else if (code == Protocol.IOCTL_UNMAP) {
            boolean user = random.nextBoolean();
            b.putInt(16, user ? id() : 0);
            b.putInt(20, user && random.nextInt(4) != 0 ? 0 : id());
        } else if (code == Protocol.IOCTL_READ_MAPPED) {
            boolean user = random.nextBoolean();
            b.putInt(16, user ? id() : 0);
            b.putInt(20, id());
            b.putInt(24, smallOffset());
            b.putInt(28, random.nextInt(10) == 0 ? random.nextInt() : random.nextInt(Protocol.MAX_TRANSFER + 2));
        } else if (code == Protocol.IOCTL_BUILD_PARTIAL) {
            b.putInt(16, id());
            b.putInt(20, random.nextInt(3) == 0 ? 0 : length32());
            b.putLong(24, random.nextInt(8) == 0 ? random.nextLong() : smallOffset());
        } else if (code == Protocol.IOCTL_FREE_MDL) {
            b.putInt(16, id());
            b.putInt(20, random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(2));
        } else if (code == Protocol.IOCTL_POOL_ALLOCATE) {
            b.putLong(16, random.nextInt(8) == 0 ? random.nextLong() : 1 + random.nextInt(random.nextBoolean() ? 8192 : 1 << 22));
        } else if (code == Protocol.IOCTL_ALLOCATE_PAGES) {
            b.putLong(16, random.nextInt(8) == 0 ? random.nextLong() : random.nextInt(1 << 21));
            b.putInt(24, random.nextInt(4) == 0 ? random.nextInt() : 0);
        } else {
            b.putInt(16, id()); // OBJECT requests
        }
    }

    private byte[] mutate(byte[] a) {
        int p = random.nextInt(100);
        if (p < 8) {
            return java.util.Arrays.copyOf(a, random.nextInt(Math.max(1, a.length))); // truncated
        }
        if (p < 14) {
            int extra = random.nextInt(4) == 0 ? random.nextInt(65536) : 1 + random.nextInt(64);
            byte[] o = java.util.Arrays.copyOf(a, Math.min(65536, a.length + extra)); // oversized
            for (int i = a.length; i < o.length; i += 97) {
                o[i] = (byte) random.nextInt();
            }
            return o;
        }
        if (p < 17) {
            byte[] o = new byte[random.nextInt(4) == 0 ? random.nextInt(65537) : random.nextInt(96)];
            random.nextBytes(o); // random bytes of a random size 0..64 KiB
            return o;
        }
        if (p < 20 && a.length >= 4) {
            a[random.nextInt(4)] ^= (byte) (1 + random.nextInt(255)); // magic
        } else if (p < 23 && a.length >= 6) {
            a[4 + random.nextInt(2)] ^= (byte) (1 + random.nextInt(255)); // version
        } else if (p < 26 && a.length >= 8) {
            a[6 + random.nextInt(2)] = (byte) (1 + random.nextInt(255)); // header reserved
        } else if (p < 34 && a.length > 0) {
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                a[random.nextInt(a.length)] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return a;
    }

    private int id() {
        int p = random.nextInt(100);
        if (p < 50 && !liveIds.isEmpty()) {
            return liveIds.get(random.nextInt(liveIds.size()));
        }
        if (p < 65 && !staleIds.isEmpty()) {
            return staleIds.get(random.nextInt(staleIds.size()));
        }
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(64);
            case 2 -> -1;
            case 3 -> Integer.MAX_VALUE;
            case 4 -> 1 + random.nextInt(5000);
            default -> random.nextInt();
        };
    }

    private long address() {
        int p = random.nextInt(100);
        if (p < 50 && !buffers.isEmpty()) {
            long[] b = buffers.get(random.nextInt(buffers.size()));
            long off = random.nextInt(8) == 0 ? b[1] - random.nextInt(8192) : random.nextLong(b[1]);
            return b[0] + off;
        }
        if (p < 58 && !kernelAddresses.isEmpty()) {
            return kernelAddresses.get(random.nextInt(kernelAddresses.size())) + random.nextInt(8192);
        }
        return switch (random.nextInt(8)) {
            case 0 -> 0L;
            case 1 -> 0xFFFF_8000_0000_0000L + random.nextLong(1L << 40); // kernel space
            case 2 -> 0xFFFF_FFFF_FFFF_F000L + random.nextInt(4096);      // wraps
            case 3 -> 0x0000_7FFF_FFFF_0000L + random.nextInt(1 << 17);   // the top of user space, and past it
            case 4 -> 0x0000_8000_0000_0000L - random.nextInt(1 << 13);   // non-canonical neighbourhood
            case 5 -> random.nextInt(1 << 16);                            // the null page region
            default -> random.nextLong();
        };
    }

    private int length32() {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> -1;                        // 4 GiB - 1
            case 2 -> 0xFFFFF000;                // 4 GiB - 4 KiB
            case 3 -> random.nextInt();
            case 4 -> 4096 * (1 + random.nextInt(16)) + random.nextInt(3) - 1;
            default -> 1 + random.nextInt(1 << (1 + random.nextInt(18)));
        };
    }

    private int smallOffset() {
        return random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(1 << (1 + random.nextInt(17)));
    }

    private int priority() {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt();
            case 1 -> Protocol.NORMAL_PAGE_PRIORITY | Protocol.MAPPING_NO_WRITE;
            case 2 -> random.nextInt(64);
            default -> Protocol.NORMAL_PAGE_PRIORITY | Protocol.MAPPING_NO_EXECUTE;
        };
    }

    // ---------------------------------------------------------------------------------------- checking

    private void send(DeviceChannel channel, int code, byte[] request, boolean fromForeign) {
        requests++;
        int cap = random.nextInt(12) == 0 ? random.nextInt(1200) : Protocol.REPLY_BUFFER_SIZE;
        ByteBuffer reply = cap == Protocol.REPLY_BUFFER_SIZE ? bigReply : ByteBuffer.allocate(cap);
        reply.clear();
        reply.order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer req = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
        String what = String.format("code 0x%08X, %d request bytes%s, output %d", code, request.length,
                fromForeign ? " from the other process" : "", cap);
        IoResult r;
        try {
            r = channel.control(code, req, reply);
        } catch (SimulatedBugCheckException e) {
            violation(what + ": bug check " + e.bugCheck() + "; request " + hex(request));
            throw e;
        } catch (RuntimeException e) {
            violation(what + ": threw " + e + "; request " + hex(request));
            return;
        }
        if (!r.ok()) {
            NtStatus st = NtStatus.of(r.ntStatus());
            count(irpFailures, st.name());
            if (st.name().startsWith("NTSTATUS_") || st.isSuccess()) {
                violation(what + ": the IRP failed with an unknown status " + st);
            }
            if (r.bytesReturned() != 0) {
                violation(what + ": a failed IRP returned " + r.bytesReturned() + " bytes");
            }
            if (fromForeign && st.value() != NtStatus.ACCESS_DENIED.value()) {
                violation(what + ": a call from another process failed with " + st + ", not STATUS_ACCESS_DENIED");
            }
            if (!fromForeign && !known(code) && st.value() != NtStatus.INVALID_DEVICE_REQUEST.value()) {
                // mdlbridge.h: an unknown control code fails with STATUS_INVALID_DEVICE_REQUEST (driver/src does).
                // Counted apart (UnknownCodeTest pins it down) so the fuzzer goes on looking for other problems.
                count(divergences, "unknown code (method " + (code & 3) + ") -> " + st.name());
            }
            return;
        }
        // The IRP completed: the request must have been well-formed.
        if (fromForeign) {
            violation(what + ": a call from another process completed (must be STATUS_ACCESS_DENIED)");
        }
        if (!known(code)) {
            violation(what + ": an unknown control code completed");
        }
        ByteBuffer rq = ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN);
        if (request.length < 16 || rq.getInt(0) != Protocol.MAGIC
                || Short.toUnsignedInt(rq.getShort(4)) != Protocol.PROTOCOL_VERSION) {
            violation(what + ": a request with a short header or a wrong magic/version completed: " + hex(request));
        }
        int fixed = fixedSize(code);
        if (fixed >= 0 && request.length != fixed) {
            violation(what + ": a request of " + request.length + " bytes completed; the code's size is " + fixed);
        }
        if (r.bytesReturned() > cap || r.bytesReturned() < 0) {
            violation(what + ": returned " + r.bytesReturned() + " bytes into a " + cap + "-byte buffer");
            return;
        }
        Reply rep;
        try {
            rep = ReplyDecoder.decode(reply, r.bytesReturned());
        } catch (ProtocolException e) {
            violation(what + ": the reply does not decode: " + e.getMessage());
            return;
        }
        long total = Integer.toUnsignedLong(reply.getInt(8));
        if (total != r.bytesReturned()) {
            violation(what + ": reply TotalSize " + total + " but " + r.bytesReturned() + " bytes returned");
        }
        NtStatus st = rep.status();
        count(replyStatuses, st.name());
        if (st.name().startsWith("NTSTATUS_")) {
            violation(what + ": the reply carries an unknown status " + st);
        }
        int stage = rep.stage();
        boolean coherent = switch (stage) {
            case Protocol.STAGE_DONE, Protocol.STAGE_DDI -> true;
            case Protocol.STAGE_PARAMETER -> st.value() == NtStatus.INVALID_PARAMETER.value();
            case Protocol.STAGE_REFUSED -> st.value() == NtStatus.INVALID_DEVICE_STATE.value();
            case Protocol.STAGE_LIMIT -> st.value() == NtStatus.QUOTA_EXCEEDED.value();
            default -> false;
        };
        if (!coherent) {
            violation(what + ": stage " + stage + " with status " + st);
        }
        if (st.isSuccess() && stage != Protocol.STAGE_DONE) {
            violation(what + ": STATUS_SUCCESS at stage " + stage);
        }
        if (st.isSuccess() && rep.objectId() != 0 && !liveIds.contains(rep.objectId())) {
            liveIds.add(rep.objectId());
            if (code == Protocol.IOCTL_POOL_ALLOCATE && rep.value() != 0) {
                kernelAddresses.add(rep.value());
            }
        }
        if (code == Protocol.IOCTL_RELEASE_ALL && st.isSuccess()) {
            staleIds.addAll(liveIds);
            liveIds.clear();
            kernelAddresses.clear();
        }
    }

    /**
     * ReleaseAll, then checks that the handle, the process and the simulated kernel hold nothing, then closes the
     * handle (and the foreign one). Returns what was still violated.
     */
    public List<String> finish() {
        try {
            Counters released = owner.releaseAll();
            Info info = owner.info();
            if (!info.handleUse().counters().isZero() || !info.processUse().counters().isZero()) {
                violation("after ReleaseAll the handle still holds " + info.handleUse().counters()
                        + " and the process " + info.processUse().counters() + " (released " + released + ")");
            }
            long kernelLocked = sim.control.processLockedPages();
            if (kernelLocked != 0) {
                violation("after ReleaseAll the simulated kernel still counts " + kernelLocked
                        + " locked pages for the process");
            }
        } catch (SimulatedBugCheckException e) {
            violation("ReleaseAll bug-checked: " + e.bugCheck());
        } catch (RuntimeException | AssertionError e) {
            violation("ReleaseAll/Info failed: " + e);
        }
        try {
            if (foreign != null) {
                foreign.close();
            }
            owner.channel.close();
        } catch (RuntimeException e) {
            violation("close threw " + e);
        }
        sim.control.bugCheck().ifPresent(b -> violation("the machine stopped: " + b));
        if (sim.backend instanceof dev.mdlbridge.simulator.SimulatorBackend sb) {
            for (Throwable t : sb.driverInternalErrors()) {
                violation("a Java exception inside the simulated driver (STATUS_INTERNAL_ERROR): " + t);
            }
        }
        return violations;
    }

    private void violation(String v) {
        violationCount++;
        if (violations.size() < 25) {
            violations.add("[seed " + seed + ", request " + requests + "] " + v);
        }
    }

    private static void count(Map<String, Long> m, String k) {
        m.merge(k, 1L, Long::sum);
    }

    private static String hex(byte[] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(a.length, 96); i++) {
            sb.append(String.format("%02X", a[i]));
        }
        return a.length > 96 ? sb + "...(" + a.length + " bytes)" : sb.toString();
    }

    public long requests() {
        return requests;
    }

    public long violationCount() {
        return violationCount;
    }

    public String summary() {
        return String.format("seed %d: %,d requests (%,d from another process, %,d DIRECT, %,d handle closes); IRP failures %s; "
                + "reply statuses %s; %d violations; known divergences from driver/src %s", seed, requests,
                foreignCalls, directCalls, reopens, irpFailures, replyStatuses, violationCount, divergences);
    }
}
