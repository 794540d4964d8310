package dev.mdlbridge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.ReplyDecoder;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.UserMemory;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A test's view of one simulated machine through the real byte boundary: requests built by the public client
 * codec, sent through a {@link DeviceChannel}, replies decoded by the public decoder.
 */
final class Dev implements AutoCloseable {

    static final PfnWindow ALL = PfnWindow.FIRST;

    final SimulatorBackend backend;
    DeviceChannel ch;
    UserMemory mem;

    Dev(SimulatedMachine.Builder builder) {
        backend = builder.build();
        ch = backend.open();
        mem = backend.userMemory();
    }

    Dev() {
        this(SimulatedMachine.builder());
    }

    /** What one DeviceIoControl returned: the IRP result, and the decoded reply when it succeeded. */
    record Call(IoResult io, Reply reply) {
    }

    Call call(DeviceChannel c, int code, ByteBuffer request, int replyCapacity) {
        ByteBuffer out = ByteBuffer.allocate(replyCapacity);
        IoResult io = c.control(code, request, out);
        Reply r = io.ok() ? ReplyDecoder.decode(out, io.bytesReturned()) : null;
        if (io.ok()) {
            assertEquals(io.bytesReturned(), out.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(8), "TotalSize");
        }
        return new Call(io, r);
    }

    Call call(int code, ByteBuffer request) {
        return call(ch, code, request, Protocol.REPLY_BUFFER_SIZE);
    }

    /** A request that must be well-formed: the IRP succeeds and the reply says what happened. */
    Reply send(int code, ByteBuffer request) {
        Call c = call(code, request);
        assertTrue(c.io().ok(), () -> String.format("IRP failed 0x%08X", c.io().ntStatus()));
        return c.reply();
    }

    /** A request that must succeed at every stage. */
    Reply ok(int code, ByteBuffer request) {
        Reply r = send(code, request);
        assertEquals(0, r.status().value(), () -> "status " + r.status() + " stage " + r.stage() + " detail 0x"
                + Integer.toHexString(r.detail()));
        assertEquals(Protocol.STAGE_DONE, r.stage());
        return r;
    }

    long buffer(long size) {
        long va = mem.allocate(size, UserMemory.PAGE_READWRITE, false);
        mem.write(va, new byte[] {1}, 0, 1); // touch the first page so it is resident
        return va;
    }

    Reply allocate(long va, int length) {
        return ok(Protocol.IOCTL_ALLOCATE_MDL, Requests.allocateMdl(ALL, va, length));
    }

    int mdl(long va, int length) {
        return allocate(va, length).objectId();
    }

    Reply probe(int id, int mode, int op) {
        return send(Protocol.IOCTL_PROBE_AND_LOCK, Requests.probe(ALL, id, mode, op));
    }

    Reply mapSystem(int id) {
        return send(Protocol.IOCTL_MAP_SYSTEM, Requests.mapSystem(ALL, id, Protocol.NORMAL_PAGE_PRIORITY));
    }

    Reply mapUser(int id) {
        return send(Protocol.IOCTL_MAP_USER, Requests.mapUser(ALL, id, Protocol.MM_CACHED, 0,
                Protocol.NORMAL_PAGE_PRIORITY));
    }

    Reply unmapSystem(int id) {
        return send(Protocol.IOCTL_UNMAP, Requests.mapping(ALL, 0, id));
    }

    Reply unlock(int id) {
        return send(Protocol.IOCTL_UNLOCK, Requests.object(ALL, id));
    }

    Reply free(int id) {
        return send(Protocol.IOCTL_FREE_MDL, Requests.freeMdl(ALL, id, Protocol.FREE_IOFREEMDL));
    }

    Reply query(int id) {
        return ok(Protocol.IOCTL_QUERY, Requests.object(ALL, id));
    }

    MdlSnapshot snapshot(int id) {
        return query(id).after().orElseThrow();
    }

    Info info() {
        return ReplyDecoder.info(ok(Protocol.IOCTL_INFO, Requests.header(PfnWindow.NONE)).data());
    }

    Counters handleCounters() {
        return info().handleUse().counters();
    }

    Reply releaseAll() {
        return ok(Protocol.IOCTL_RELEASE_ALL, Requests.header(PfnWindow.NONE));
    }

    static void refused(Reply r, int detail) {
        assertEquals(0xC0000184, r.status().value(), "STATUS_INVALID_DEVICE_STATE");
        assertEquals(Protocol.STAGE_REFUSED, r.stage());
        assertEquals(detail, r.detail(), () -> "refusal 0x" + Integer.toHexString(r.detail()));
    }

    static void parameter(Reply r, int detail) {
        assertEquals(0xC000000D, r.status().value(), "STATUS_INVALID_PARAMETER");
        assertEquals(Protocol.STAGE_PARAMETER, r.stage());
        assertEquals(detail, r.detail());
    }

    static void limit(Reply r, int detail) {
        assertEquals(0xC0000044, r.status().value(), "STATUS_QUOTA_EXCEEDED");
        assertEquals(Protocol.STAGE_LIMIT, r.stage());
        assertEquals(detail, r.detail());
    }

    /** No exception inside the simulated driver was turned into an IRP failure: that would be a driver defect. */
    void assertNoInternalErrors() {
        List<Throwable> errors = backend.driverInternalErrors();
        if (!errors.isEmpty()) {
            throw new AssertionError("the simulated driver hit " + errors.size() + " internal error(s)", errors.get(0));
        }
    }

    /** The current process exits; the machine must not stop (nothing may be left locked). */
    void processExitAndCheck() {
        backend.processExit();
        org.junit.jupiter.api.Assertions.assertFalse(backend.bugCheck().isPresent(), () -> "bug check "
                + backend.bugCheck().get());
        ch = backend.open();
        mem = backend.userMemory();
    }

    @Override
    public void close() {
        assertNoInternalErrors();
        backend.close();
    }
}
