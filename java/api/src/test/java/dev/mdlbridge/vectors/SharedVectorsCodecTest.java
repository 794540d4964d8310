package dev.mdlbridge.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client codec against the shared vectors of driver/test/vectors: it encodes every well-formed request
 * to exactly the vector's bytes and decodes every reply to exactly the vector's fields. The simulated driver and
 * the C host tests read the same files.
 */
class SharedVectorsCodecTest {

    static Stream<Vector> requests() {
        // The client always writes reserved fields as 0; vectors with non-zero reserved bytes test the drivers.
        return Vector.loadAll().stream().filter(v -> v.isRequest() && v.expect().equals("ok"))
                .filter(v -> v.fields().stream().noneMatch(f -> f.name().contains("Reserved") && f.value() != 0));
    }

    static Stream<Vector> replies() {
        return Vector.loadAll().stream().filter(v -> v.kind().equals("reply"));
    }

    static Stream<Vector> all() {
        return Vector.loadAll().stream();
    }

    @Test
    void thereAreVectorsForEveryControlCode() {
        List<Vector> all = Vector.loadAll();
        assertTrue(all.size() >= 30, "vectors found: " + all.size());
        for (var f : Protocol.class.getFields()) {
            if (f.getName().startsWith("IOCTL_")) {
                String code = "IOCTL_MDLB_" + f.getName().substring("IOCTL_".length());
                assertTrue(all.stream().anyMatch(v -> v.code().equals(code) && v.isRequest()), "no request vector for " + code);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void hexIsExactlyTheFields(Vector v) {
        assertArrayEquals(v.bytesFromFields(), v.bytes(), v.file() + ": hex and fields disagree");
    }

    private static int i(Vector v, String name) {
        return (int) v.require(name);
    }

    private static ByteBuffer encode(Vector v, PfnWindow w) {
        return switch (v.code()) {
            case "IOCTL_MDLB_INFO", "IOCTL_MDLB_RELEASE_ALL", "IOCTL_MDLB_DIRECT_IN", "IOCTL_MDLB_DIRECT_OUT",
                    "IOCTL_MDLB_DIRECT_FETCH" -> Requests.header(w);
            case "IOCTL_MDLB_SIZE_OF_MDL" -> Requests.range(v.require("VirtualAddress"), v.require("Length"));
            case "IOCTL_MDLB_ALLOCATE_MDL", "IOCTL_MDLB_INITIALIZE_MDL" ->
                    Requests.allocateMdl(w, v.require("VirtualAddress"), i(v, "Length"));
            case "IOCTL_MDLB_BUILD_NONPAGED", "IOCTL_MDLB_UNLOCK", "IOCTL_MDLB_QUERY", "IOCTL_MDLB_FREE_PAGES",
                    "IOCTL_MDLB_POOL_FREE" -> Requests.object(w, i(v, "ObjectId"));
            case "IOCTL_MDLB_FREE_MDL" -> Requests.freeMdl(w, i(v, "MdlId"), i(v, "Method"));
            case "IOCTL_MDLB_PROBE_AND_LOCK" -> Requests.probe(w, i(v, "MdlId"), i(v, "AccessMode"), i(v, "Operation"));
            case "IOCTL_MDLB_MAP_SYSTEM" -> Requests.mapSystem(w, i(v, "MdlId"), i(v, "Priority"));
            case "IOCTL_MDLB_MAP_USER" -> Requests.mapUser(w, i(v, "MdlId"), i(v, "CacheType"),
                    v.require("RequestedAddress"), i(v, "Priority"));
            case "IOCTL_MDLB_UNMAP" -> Requests.mapping(w, i(v, "MappingId"), i(v, "MdlId"));
            case "IOCTL_MDLB_READ_MAPPED" -> Requests.readMapped(i(v, "MappingId"), i(v, "MdlId"), i(v, "Offset"),
                    i(v, "Length"));
            case "IOCTL_MDLB_WRITE_MAPPED" -> Requests.writeMapped(i(v, "MappingId"), i(v, "MdlId"), i(v, "Offset"),
                    Arrays.copyOfRange(v.bytes(), Protocol.REQ_TRANSFER_SIZE, v.bytes().length));
            case "IOCTL_MDLB_BUILD_PARTIAL" -> Requests.buildPartial(w, i(v, "SourceId"), v.require("Offset"),
                    i(v, "Length"));
            case "IOCTL_MDLB_POOL_ALLOCATE" -> Requests.poolAllocate(v.require("Size"), i(v, "PageOffset"));
            case "IOCTL_MDLB_ALLOCATE_PAGES" -> Requests.allocatePages(w, v.require("Size"), i(v, "Flags"),
                    i(v, "CacheType"), v.require("LowAddress"), v.require("HighAddress"), v.require("SkipBytes"));
            case "IOCTL_MDLB_MAP_KERNEL" -> Requests.mapKernel(w, i(v, "MdlId"), i(v, "CacheType"), i(v, "Priority"));
            case "IOCTL_MDLB_RESERVE" -> Requests.reserve(v.require("Size"));
            case "IOCTL_MDLB_MAP_RESERVED", "IOCTL_MDLB_UNMAP_RESERVED" ->
                    Requests.reserved(w, i(v, "ReservationId"), i(v, "MdlId"), i(v, "CacheType"));
            case "IOCTL_MDLB_FREE_RESERVATION" -> Requests.object(w, i(v, "ObjectId"));
            case "IOCTL_MDLB_DESCRIBE_CHAIN" -> {
                List<Requests.ChainRange> ranges = new ArrayList<>();
                for (int r = 0; r < i(v, "RangeCount"); r++) {
                    ranges.add(new Requests.ChainRange(v.require("Ranges[" + r + "].VirtualAddress"),
                            (int) v.require("Ranges[" + r + "].Length"), (int) v.require("Ranges[" + r + "].Operation")));
                }
                yield Requests.chain(w, ranges, i(v, "Cleanup"));
            }
            default -> throw new AssertionError(v.file() + ": unknown code " + v.code());
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void encodesEveryWellFormedRequestToTheVectorBytes(Vector v) {
        PfnWindow w = new PfnWindow(i(v, "Header.PfnStart"), i(v, "Header.PfnMax"));
        byte[] encoded = Arrays.copyOf(encode(v, w).array(), encode(v, w).limit());
        assertEquals(v.bytes().length, encoded.length, v.file() + ": size");
        // Requests that never carry a PFN window encode the header with PfnWindow.NONE: compare the body then.
        int from = Arrays.equals(Arrays.copyOf(encoded, 16), Arrays.copyOf(v.bytes(), 16)) ? 0 : 16;
        if (from == 16) {
            assertArrayEquals(Arrays.copyOf(Requests.header(w).array(), 16), Arrays.copyOf(v.bytes(), 16), v.file() + ": header");
        }
        assertArrayEquals(Arrays.copyOfRange(v.bytes(), from, v.bytes().length),
                Arrays.copyOfRange(encoded, from, encoded.length), v.file() + ": body");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void decodesEveryReplyToTheVectorFields(Vector v) {
        Reply r = ReplyDecoder.decode(ByteBuffer.wrap(v.bytes()), v.bytes().length);
        assertEquals(v.require("Status"), Integer.toUnsignedLong(r.status().value()));
        assertEquals(v.require("Stage"), r.stage());
        assertEquals(v.require("Detail"), r.detail());
        assertEquals(v.require("ObjectId"), r.objectId());
        assertEquals(v.require("Value"), r.value());
        assertEquals(v.require("SnapshotCount"), r.snapshots().size());
        for (int s = 0; s < r.snapshots().size(); s++) {
            MdlSnapshot m = r.snapshots().get(s);
            String p = "Snapshot[" + s + "].";
            assertEquals(v.require(p + "Role"), m.role());
            assertEquals(v.require(p + "Valid"), m.valid());
            assertEquals(v.require(p + "MdlAddress"), m.mdlAddress());
            assertEquals(v.require(p + "Process"), m.process());
            assertEquals(v.require(p + "StartVa"), m.startVa());
            assertEquals(v.require(p + "VirtualAddress"), m.virtualAddress());
            assertEquals(v.require(p + "Size"), m.size());
            assertEquals(v.require(p + "MdlFlags"), m.mdlFlags());
            assertEquals(v.require(p + "ByteCount"), m.byteCount());
            assertEquals(v.require(p + "ByteOffset"), m.byteOffset());
            assertEquals(v.require(p + "PfnCount"), m.pfnCount());
            assertEquals(v.require(p + "PfnReturned"), m.pfns().length);
            for (int k = 0; k < m.pfns().length; k++) {
                assertEquals(v.require(p + "Pfns[" + k + "]"), m.pfns()[k]);
            }
        }
        if (v.code().equals("IOCTL_MDLB_INFO")) {
            Info info = ReplyDecoder.info(r.data());
            assertEquals(Protocol.PROTOCOL_VERSION, info.protocolVersion());
            assertEquals(Protocol.DRIVER_VERSION, info.driverVersion());
            assertEquals(Protocol.PAGE_SIZE, info.pageSize());
            assertEquals(v.require("Info.ConfiguredLimits"), info.configuredLimits());
            assertEquals(v.require("Info.ClampedLimits"), info.clampedLimits());
            assertEquals(v.require("Info.HandleLimits.MaxPageAllocationBytes"),
                    info.limit(Protocol.LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES));
        }
        if (v.code().equals("IOCTL_MDLB_RELEASE_ALL")) {
            Counters c = ReplyDecoder.counters(r.data());
            assertTrue(c.outstandingMdls() > 0 || c.lockedPages() > 0, "the vector releases something: " + c);
        }
    }
}
