package dev.mdlbridge.result;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a {@link RunResult} as CONTRACT.md section 8's JSON, streaming (a 4 GiB describe carries a million PFNs
 * per snapshot). Addresses and PFNs are hex strings (kernel addresses do not fit a double); counts are numbers.
 */
public final class ResultJson {

    public static final int SCHEMA_VERSION = 1;
    private static final JsonFactory FACTORY = new JsonFactory();
    /** Writes a step's expect object back as the scenario gave it. */
    private static final com.fasterxml.jackson.databind.ObjectMapper TREES =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private ResultJson() {
    }

    public static void write(RunResult result, OutputStream out, boolean pretty) {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            writeResult(g, result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String toString(RunResult result) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        write(result, bytes, true);
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static void writeResult(JsonGenerator g, RunResult r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("schemaVersion", SCHEMA_VERSION);
        g.writeStringField("backend", r.backend());
        g.writeStringField("profile", r.profile());
        g.writeObjectFieldStart("machine");
        g.writeStringField("os", r.machine().os());
        g.writeStringField("build", r.machine().build());
        g.writeStringField("arch", r.machine().arch());
        g.writeStringField("driverVersion", r.machine().driverVersion());
        g.writeNumberField("protocolVersion", r.machine().protocolVersion());
        g.writeEndObject();
        g.writeArrayFieldStart("steps");
        for (StepRecord s : r.steps()) {
            writeStep(g, s);
        }
        g.writeEndArray();
        g.writeFieldName("leftover");
        writeCounters(g, r.leftover() == null ? Counters.ZERO : r.leftover());
        g.writeStringField("outcome", r.outcome());
        if (r.bugCheck() != null) {
            g.writeObjectFieldStart("bugCheck");
            g.writeStringField("code", String.format("0x%X", r.bugCheck().code()));
            g.writeStringField("name", r.bugCheck().name());
            g.writeArrayFieldStart("parameters");
            for (long p : r.bugCheck().parameters()) {
                g.writeString(hex(p));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    static void writeStep(JsonGenerator g, StepRecord rec) throws IOException {
        Step s = rec.step();
        g.writeStartObject();
        g.writeNumberField("index", rec.index());
        g.writeStringField("op", s.op());
        if (rec.iteration() != null) {
            g.writeNumberField("iteration", rec.iteration());
        }
        if (rec.handle() != null) {
            g.writeStringField("handle", rec.handle());
        }
        if (rec.skipped()) {
            // nothing ran, so there is no status to report, not even a made-up one (CONTRACT section 9)
            g.writeBooleanField("skipped", true);
            g.writeStringField("reason", rec.skipReason());
            if (rec.expectSkipped()) {
                g.writeStringField("expect", "skipped");
            }
            endedRepeat(g, rec);
            g.writeEndObject();
            return;
        }
        g.writeStringField("status", s.status().hex());
        g.writeStringField("statusName", s.status().name());
        if (rec.causedBugCheck()) {
            g.writeBooleanField("causedBugCheck", true);
        }
        if (rec.expectSkipped()) {
            g.writeStringField("expect", "skipped");
        } else if (rec.expectBugCheck() != null) {
            g.writeObjectFieldStart("expect");
            g.writeStringField("bugCheck", String.format("0x%X", rec.expectBugCheck().code()));
            if (!rec.expectBugCheck().parameters().isEmpty()) {
                g.writeArrayFieldStart("parameters");
                for (Long p : rec.expectBugCheck().parameters()) {
                    if (p == null) {
                        g.writeNull();
                    } else {
                        g.writeString(hex(p));
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } else if (rec.expectation() != null) {
            g.writeFieldName("expect");
            TREES.writeTree(g, rec.expectation());
        } else if (rec.expect() != null) {
            g.writeStringField("expect", rec.expect().name());
        }
        if (!rec.mismatches().isEmpty()) {
            g.writeArrayFieldStart("mismatches");
            for (Mismatch m : rec.mismatches()) {
                g.writeStartObject();
                g.writeStringField("field", m.field());
                g.writeStringField("expected", m.expected());
                g.writeStringField("actual", m.actual());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        endedRepeat(g, rec);
        if (!s.explanation().isEmpty()) {
            g.writeStringField("explanation", s.explanation());
        }
        if (s.objectId() != 0) {
            g.writeNumberField("objectId", s.objectId());
        }
        if (!s.chain().isEmpty()) {
            g.writeArrayFieldStart("mdl");
            for (MdlSnapshot m : s.chain()) {
                writeSnapshot(g, m);
            }
            g.writeEndArray();
        } else if (s.after() != null) {
            g.writeFieldName("mdl");
            writeSnapshot(g, s.after());
        }
        if (s.before() != null) {
            g.writeFieldName("before");
            writeSnapshot(g, s.before());
        }
        writeValue(g, s);
        g.writeEndObject();
    }

    private static void endedRepeat(JsonGenerator g, StepRecord rec) throws IOException {
        if (rec.endedRepeat()) {
            g.writeBooleanField("endedRepeat", true);
        }
    }

    private static void writeValue(JsonGenerator g, Step s) throws IOException {
        switch (s.valueKind()) {
            case ADDRESS -> g.writeStringField("value", hex(s.value()));
            case NUMBER -> g.writeNumberField("value", s.value());
            case BYTES -> g.writeStringField("value", HexFormat.of().withUpperCase().formatHex(s.data()));
            case INFO -> {
                Info i = (Info) s.extra();
                g.writeObjectFieldStart("value");
                Counters c = i.processUse().counters();
                g.writeNumberField("outstandingMdls", c.outstandingMdls());
                g.writeNumberField("outstandingMappings", c.outstandingMappings());
                g.writeNumberField("outstandingKernelBuffers", c.outstandingKernelBuffers());
                g.writeNumberField("lockedPages", c.lockedPages());
                g.writeFieldName("handle");
                writeCounters(g, i.handleUse().counters());
                g.writeObjectFieldStart("limits");
                g.writeNumberField("maxObjects", i.handleLimits().maxObjects());
                g.writeNumberField("maxLockedBytes", i.handleLimits().maxLockedBytes());
                g.writeNumberField("maxKernelBufferBytes", i.handleLimits().maxKernelBufferBytes());
                g.writeNumberField("maxPageAllocationBytes", i.handleLimits().maxPageAllocationBytes());
                g.writeNumberField("maxMdlPoolBytes", i.handleLimits().maxMdlPoolBytes());
                g.writeEndObject();
                administratorLimits(g, i);
                g.writeObjectFieldStart("machine");
                g.writeStringField("build", i.osMajor() + "." + i.osMinor() + "." + i.osBuild());
                g.writeStringField("arch", i.archName());
                g.writeStringField("driverVersion", Info.versionText(i.driverVersion()));
                g.writeNumberField("protocolVersion", i.protocolVersion());
                g.writeEndObject();
                g.writeEndObject();
            }
            case COUNTERS -> {
                g.writeObjectFieldStart("value");
                g.writeFieldName("released");
                writeCounters(g, (Counters) s.extra());
                g.writeEndObject();
            }
            case STATUSES -> {
                g.writeObjectFieldStart("value");
                g.writeNumberField("mdlsInChain", s.value());
                g.writeArrayFieldStart("rangeStatuses");
                for (NtStatus st : s.chainStatuses()) {
                    g.writeString(st.name());
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            case NONE -> {
            }
        }
    }

    /**
     * Every administrator limit in force by its registry name, and which of them were configured (a scenario's
     * {@code limits}, the driver's Parameters key) and which clamped to their range (CONTRACT.md section 4).
     */
    private static void administratorLimits(JsonGenerator g, Info i) throws IOException {
        List<String> names = dev.mdlbridge.protocol.Protocol.LIMIT_NAMES;
        g.writeObjectFieldStart("administratorLimits");
        for (int k = 0; k < names.size(); k++) {
            g.writeNumberField(names.get(k), i.limit(k));
        }
        g.writeEndObject();
        g.writeArrayFieldStart("configuredLimits");
        for (int k = 0; k < names.size(); k++) {
            if ((i.configuredLimits() & (1 << k)) != 0) {
                g.writeString(names.get(k));
            }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("clampedLimits");
        for (int k = 0; k < names.size(); k++) {
            if ((i.clampedLimits() & (1 << k)) != 0) {
                g.writeString(names.get(k));
            }
        }
        g.writeEndArray();
    }

    public static void writeCounters(JsonGenerator g, Counters c) throws IOException {
        g.writeStartObject();
        g.writeNumberField("outstandingMdls", c.outstandingMdls());
        g.writeNumberField("outstandingMappings", c.outstandingMappings());
        g.writeNumberField("outstandingKernelBuffers", c.outstandingKernelBuffers());
        g.writeNumberField("lockedPages", c.lockedPages());
        g.writeEndObject();
    }

    public static void writeSnapshot(JsonGenerator g, MdlSnapshot m) throws IOException {
        g.writeStartObject();
        g.writeStringField("mdlAddress", hex(m.mdlAddress()));
        g.writeStringField("next", hex(m.next()));
        g.writeNumberField("size", m.size());
        g.writeStringField("mdlFlags", MdlFlags.hex(m.mdlFlags()));
        g.writeArrayFieldStart("flagNames");
        for (String n : MdlFlags.names(m.mdlFlags())) {
            g.writeString(n);
        }
        g.writeEndArray();
        g.writeStringField("process", hex(m.process()));
        g.writeStringField("mappedSystemVa", hex(m.mappedSystemVa()));
        g.writeStringField("startVa", hex(m.startVa()));
        g.writeStringField("virtualAddress", hex(m.virtualAddress()));
        g.writeNumberField("byteCount", m.byteCount());
        g.writeNumberField("byteOffset", m.byteOffset());
        g.writeNumberField("pfnCount", m.pfnCount());
        g.writeArrayFieldStart("pfns");
        if (m.pfnsValid()) {
            for (long p : m.pfns()) {
                g.writeString(hex(p));
            }
        }
        g.writeEndArray();
        g.writeObjectFieldStart("valid");
        g.writeBooleanField("process", m.processValid());
        g.writeBooleanField("mappedSystemVa", m.mappedSystemVaValid());
        g.writeBooleanField("pfns", m.pfnsValid());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** "0x" + unsigned hex, upper case, no padding: kernel addresses print as 0xFFFF... */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
    }
}
