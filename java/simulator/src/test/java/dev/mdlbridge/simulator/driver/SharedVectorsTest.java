package dev.mdlbridge.simulator.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.vectors.Vector;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shared vector against the simulated driver's wire code: requests decode to the listed fields (or fail the
 * IRP with the listed status); replies built by the driver's encoder from the listed values are the listed bytes.
 */
class SharedVectorsTest {

    static int code(String name) throws ReflectiveOperationException {
        if (name.startsWith("0x")) {
            return (int) Long.parseLong(name.substring(2), 16);
        }
        Field f = Protocol.class.getField(name.replace("IOCTL_MDLB_", "IOCTL_"));
        return f.getInt(null);
    }

    @Test
    void theVectorDirectoryHoldsEveryKind() {
        List<Vector> all = Vector.loadAll();
        assertTrue(all.stream().filter(v -> "request".equals(v.key("kind"))).count() >= 24);
        assertTrue(all.stream().anyMatch(v -> "reply".equals(v.key("kind"))));
        assertTrue(all.stream().anyMatch(v -> !"ok".equals(v.key("expect")) && "request".equals(v.key("kind"))));
    }

    @TestFactory
    Stream<DynamicTest> everyVector() {
        return Vector.loadAll().stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> check(v)));
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void check(Vector v) throws Exception {
        byte[] fromFields = v.bytesFromFields();
        assertNotNull(fromFields, v.name() + ": every byte must be covered by exactly one field");
        assertArrayEquals(fromFields, v.bytes(), v.name() + ": hex and fields disagree");
        int code = code(v.key("code"));
        if ("request".equals(v.key("kind"))) {
            checkRequest(v, code);
        } else {
            assertEquals("reply", v.key("kind"), v.name());
            checkReply(v, code);
        }
    }

    private static void checkRequest(Vector v, int code) throws Exception {
        int status = ProtocolRules.checkMalformed(code, le(v.bytes()), Protocol.REPLY_BUFFER_SIZE);
        String expect = v.keys().getOrDefault("expect", "ok");
        if (!expect.equals("ok")) {
            int want = NtStatus.parse(expect).orElseThrow().value();
            boolean judgedLater = want == NtStatus.NOT_FOUND.value() || want == NtStatus.OBJECT_TYPE_MISMATCH.value()
                    || want == NtStatus.ACCESS_DENIED.value();
            assertEquals(judgedLater ? 0 : want, status, v.name() + ": IRP status");
            return;
        }
        assertEquals(0, status, v.name() + ": a well-formed request");
        Map<String, Long> decoded = RequestDecoder.fields(code, le(v.bytes()));
        for (Vector.Field f : v.fields()) {
            assertEquals(f.value(), decoded.get(f.name()), v.name() + ": field " + f.name());
        }
        int param = ProtocolRules.checkParameters(code, le(v.bytes()), true);
        String p = v.key("param");
        int want = p == null ? 0 : Protocol.class.getField(p.replace("MDLB_", "")).getInt(null);
        assertEquals(want, param, v.name() + ": parameter check");
    }

    private static void checkReply(Vector v, int code) {
        int total = (int) v.require("TotalSize");
        int count = (int) v.require("SnapshotCount");
        int dataLength = (int) v.require("DataLength");
        long pfnStart = 0;
        long pfnMax = 0;
        for (int i = 0; i < count; i++) {
            pfnStart = v.require("Snapshot[" + i + "].PfnStart");
            pfnMax = Math.max(pfnMax, v.require("Snapshot[" + i + "].PfnReturned"));
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        ReplyWriter r = new ReplyWriter(out, 64 + 96 * count + dataLength, pfnStart, pfnMax);
        r.status((int) v.require("Status"), (int) v.require("Stage"), (int) v.require("Detail"));
        r.object((int) v.require("ObjectId"));
        r.value(v.require("Value"));
        for (int i = 0; i < count; i++) {
            r.snapshot(view(v, i, pfnStart), (int) v.require("Snapshot[" + i + "].Role"),
                    (int) v.require("Snapshot[" + i + "].ObjectId"));
        }
        if (dataLength > 0) {
            int at = r.data(dataLength);
            assertEquals(v.require("DataOffset"), at, v.name() + ": data offset");
            ByteBuffer b = r.buffer();
            if (code == Protocol.IOCTL_INFO) {
                DataEncoder.info(b, at, info(v));
            } else if (code == Protocol.IOCTL_RELEASE_ALL) {
                DataEncoder.counters(b, at, v.require("Counters.OutstandingMdls"),
                        v.require("Counters.OutstandingMappings"), v.require("Counters.OutstandingKernelBuffers"),
                        v.require("Counters.LockedPages"));
            } else {
                for (Vector.Field f : v.fields()) {
                    if (f.offset() >= at) {
                        for (int k = 0; k < f.width(); k++) {
                            b.put(f.offset() + k, (byte) (f.value() >>> (8 * k)));
                        }
                    }
                }
            }
        }
        assertEquals(total, r.finish(), v.name() + ": TotalSize");
        assertEquals(HexFormat.of().formatHex(v.bytes()), HexFormat.of().formatHex(out.array()), v.name());
    }

    private static MdlView view(Vector v, int i, long pfnStart) {
        String p = "Snapshot[" + i + "].";
        int returned = (int) v.require(p + "PfnReturned");
        List<Long> pfns = new ArrayList<>();
        for (int k = 0; k < returned; k++) {
            pfns.add(v.require(p + "Pfns[" + k + "]"));
        }
        MdlView.PfnSource source = (start, target, n) -> {
            for (int k = 0; k < n; k++) {
                target[k] = pfns.get((int) (start - pfnStart) + k);
            }
        };
        long capacity = v.require(p + "PfnCapacity");
        long startVa = v.require(p + "StartVa");
        long byteOffset = v.require(p + "ByteOffset");
        assertEquals(startVa + byteOffset, v.require(p + "VirtualAddress"), "VirtualAddress = StartVa + ByteOffset");
        return new MdlView(v.require(p + "MdlAddress"), v.require(p + "Next"), v.require(p + "Process"),
                v.require(p + "MappedSystemVa"), startVa, (int) v.require(p + "Size"), (int) v.require(p + "MdlFlags"),
                (int) v.require(p + "AllocationProcessorNumber"), v.require(p + "ByteCount"), byteOffset,
                (int) v.require(p + "Valid"), (int) v.require(p + "Kind"), capacity, source);
    }

    private static Limits limits(Vector v, String p) {
        return new Limits(v.require(p + ".MaxObjects"), v.require(p + ".MaxLockedBytes"),
                v.require(p + ".MaxKernelBufferBytes"), v.require(p + ".MaxPageAllocationBytes"),
                v.require(p + ".MaxMdlPoolBytes"),
                v.require(p.equals("Info.HandleLimits") ? "Info.HandleMaxSystemMappingBytes"
                        : "Info.DriverMaxSystemMappingBytes"));
    }

    private static ResourceUse use(Vector v, String p) {
        ResourceUse u = new ResourceUse();
        u.mdls = v.require(p + ".Counters.OutstandingMdls");
        u.mappings = v.require(p + ".Counters.OutstandingMappings");
        u.kernelBuffers = v.require(p + ".Counters.OutstandingKernelBuffers");
        u.objects = v.require(p + ".Objects");
        u.lockedBytes = v.require(p + ".LockedBytes");
        u.kernelBufferBytes = v.require(p + ".KernelBufferBytes");
        u.pageBytes = v.require(p + ".PageAllocationBytes");
        u.poolBytes = v.require(p + ".MdlPoolBytes");
        assertEquals(u.lockedBytes / Protocol.PAGE_SIZE, v.require(p + ".Counters.LockedPages"),
                v.file() + ": LockedPages is LockedBytes in pages");
        return u;
    }

    private static DataEncoder.InfoData info(Vector v) {
        assertEquals(Protocol.DRIVER_VERSION, v.require("Info.DriverVersion"));
        assertEquals(Protocol.MAX_INLINE_PFNS, v.require("Info.MaxInlinePfns"));
        return new DataEncoder.InfoData((int) v.require("Info.OsMajor"), (int) v.require("Info.OsMinor"),
                (int) v.require("Info.OsBuild"), (int) v.require("Info.Arch"), v.require("Info.HighestUserAddress"),
                v.require("Info.UserProbeAddress"), (int) v.require("Info.ProcessId"),
                v.require("Info.SharedHandle") != 0, limits(v, "Info.HandleLimits"), limits(v, "Info.DriverLimits"),
                use(v, "Info.HandleUse"), use(v, "Info.ProcessUse"), use(v, "Info.DriverUse"),
                v.require("Info.QuarantinedBytes"), v.require("Info.ReadOnlyUserMappings") != 0,
                (int) v.require("Info.OpenHandles"), v.require("Info.HandleSystemMappingBytes"),
                v.require("Info.ProcessSystemMappingBytes"), v.require("Info.DriverSystemMappingBytes"),
                new DataEncoder.AdministratorMasks((int) v.require("Info.MaxHandles"),
                        (int) v.require("Info.ConfiguredLimits"), (int) v.require("Info.ClampedLimits")));
    }
}
