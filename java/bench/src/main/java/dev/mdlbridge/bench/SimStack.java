package dev.mdlbridge.bench;

import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.UserMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * A simulated machine at its defaults (win10-x64, default seed and fragmentation) with one raw device channel:
 * what the lock benchmark drives byte by byte, below the typed API, so it measures the simulated driver and
 * kernel rather than snapshot decoding. Not thread-safe (one per benchmark thread).
 */
final class SimStack implements AutoCloseable {

    static final int OFF_STATUS = 12;
    static final int OFF_OBJECT_ID = 24;

    final Backend backend;
    final DeviceChannel channel;
    final UserMemory memory;
    final ByteBuffer reply = ByteBuffer.allocate(Protocol.REPLY_BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);

    SimStack() {
        this(Map.of());
    }

    SimStack(Map<String, String> options) {
        this.backend = BackendSelector.fromClassPath().select("simulator", new BackendOptions(options)).backend();
        this.channel = backend.open();
        this.memory = backend.userMemory();
    }

    /** A bridge (its own handle) on the same simulated machine. */
    MdlBridge bridge() {
        return MdlBridge.on(backend);
    }

    /** Sends one request; returns the reply's Status (the IRP must succeed). */
    int call(int code, ByteBuffer request) {
        reply.clear();
        IoResult r = channel.control(code, request, reply);
        if (!r.ok()) {
            throw new IllegalStateException(String.format("IOCTL 0x%08X failed the IRP: NTSTATUS 0x%08X", code,
                    r.ntStatus()));
        }
        return reply.getInt(OFF_STATUS);
    }

    /** Sends one request and insists on STATUS_SUCCESS. */
    int callOk(String what, int code, ByteBuffer request) {
        int st = call(code, request);
        if (st != 0) {
            throw new IllegalStateException(String.format("%s returned NTSTATUS 0x%08X", what, st));
        }
        return reply.getInt(OFF_OBJECT_ID);
    }

    /** IoAllocateMdl over [address, +length) (length as an unsigned ULONG); returns the MDL's id. */
    int allocateMdl(long address, long length) {
        return callOk("IoAllocateMdl", Protocol.IOCTL_ALLOCATE_MDL,
                Requests.allocateMdl(PfnWindow.NONE, address, (int) length));
    }

    void probeRead(int mdl) {
        callOk("MmProbeAndLockPages", Protocol.IOCTL_PROBE_AND_LOCK,
                Requests.probe(PfnWindow.NONE, mdl, Protocol.USER_MODE, Protocol.IO_READ_ACCESS));
    }

    void unlock(int mdl) {
        callOk("MmUnlockPages", Protocol.IOCTL_UNLOCK, Requests.object(PfnWindow.NONE, mdl));
    }

    void free(int mdl) {
        callOk("IoFreeMdl", Protocol.IOCTL_FREE_MDL, Requests.freeMdl(PfnWindow.NONE, mdl, Protocol.FREE_IOFREEMDL));
    }

    @Override
    public void close() {
        try {
            channel.close();
        } finally {
            backend.close();
        }
    }
}
