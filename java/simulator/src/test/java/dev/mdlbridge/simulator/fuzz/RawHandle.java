package dev.mdlbridge.simulator.fuzz;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.ReplyDecoder;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One device channel driven byte by byte (below the typed API), for tests that need to close a handle without
 * ReleaseAll, or to send the same request from another process.
 */
public final class RawHandle {

    public final DeviceChannel channel;
    private final ByteBuffer reply = ByteBuffer.allocate(Protocol.REPLY_BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);

    public RawHandle(DeviceChannel channel) {
        this.channel = channel;
    }

    /** The IRP's outcome and, when it succeeded, the decoded reply. */
    public record Outcome(IoResult io, Reply reply) {
        public boolean irpOk() {
            return io.ok();
        }

        public NtStatus irpStatus() {
            return NtStatus.of(io.ntStatus());
        }

        public NtStatus status() {
            return reply == null ? irpStatus() : reply.status();
        }

        public int objectId() {
            return reply == null ? 0 : reply.objectId();
        }

        public long value() {
            return reply == null ? 0 : reply.value();
        }
    }

    public Outcome send(int code, ByteBuffer request) {
        reply.clear();
        IoResult r = channel.control(code, request, reply);
        return new Outcome(r, r.ok() ? ReplyDecoder.decode(reply, r.bytesReturned()) : null);
    }

    /** Sends and insists on an IRP success and a reply status of STATUS_SUCCESS; returns the reply. */
    public Reply ok(String what, int code, ByteBuffer request) {
        Outcome o = send(code, request);
        if (!o.irpOk()) {
            throw new AssertionError(what + ": the IRP failed with " + o.irpStatus());
        }
        if (!o.reply().status().isSuccess()) {
            throw new AssertionError(what + ": " + o.reply().status() + " stage " + o.reply().stage() + " detail 0x"
                    + Integer.toHexString(o.reply().detail()));
        }
        return o.reply();
    }

    public int allocateMdl(long address, int length) {
        return ok("IoAllocateMdl", Protocol.IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, address, length))
                .objectId();
    }

    public Reply probe(int mdl, int accessMode, int operation) {
        return ok("MmProbeAndLockPages", Protocol.IOCTL_PROBE_AND_LOCK,
                Requests.probe(PfnWindow.FIRST, mdl, accessMode, operation));
    }

    private Integer priority;

    /** NormalPagePriority | MdlMappingNoExecute from Windows 8 on, NormalPagePriority before (CONTRACT section 2). */
    public int systemPriority() {
        if (priority == null) {
            Info i = info();
            boolean win8 = i.osMajor() > 6 || (i.osMajor() == 6 && i.osMinor() >= 2);
            priority = Protocol.NORMAL_PAGE_PRIORITY | (win8 ? Protocol.MAPPING_NO_EXECUTE : 0);
        }
        return priority;
    }

    public long mapSystem(int mdl) {
        return ok("MmGetSystemAddressForMdlSafe", Protocol.IOCTL_MAP_SYSTEM, Requests.mapSystem(PfnWindow.NONE, mdl,
                systemPriority())).value();
    }

    public int mapUser(int mdl) {
        return ok("MmMapLockedPagesSpecifyCache", Protocol.IOCTL_MAP_USER, Requests.mapUser(PfnWindow.NONE, mdl,
                Protocol.MM_CACHED, 0, Protocol.NORMAL_PAGE_PRIORITY)).objectId();
    }

    public int buildPartial(int source, long offset, int length) {
        return ok("IoBuildPartialMdl", Protocol.IOCTL_BUILD_PARTIAL,
                Requests.buildPartial(PfnWindow.NONE, source, offset, length)).objectId();
    }

    /** ExAllocatePool: returns {id, address}. */
    public long[] poolAllocate(long size) {
        Reply r = ok("ExAllocatePool", Protocol.IOCTL_POOL_ALLOCATE, Requests.poolAllocate(size));
        return new long[] {r.objectId(), r.value()};
    }

    public int allocatePages(long size) {
        return ok("MmAllocatePagesForMdlEx", Protocol.IOCTL_ALLOCATE_PAGES,
                Requests.allocatePages(PfnWindow.NONE, size, 0)).objectId();
    }

    public Info info() {
        return ReplyDecoder.info(ok("Info", Protocol.IOCTL_INFO, Requests.header(PfnWindow.NONE)).data());
    }

    public Counters releaseAll() {
        return ReplyDecoder.counters(ok("ReleaseAll", Protocol.IOCTL_RELEASE_ALL, Requests.header(PfnWindow.NONE))
                .data());
    }
}
