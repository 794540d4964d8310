package dev.mdlbridge.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The published scenario schema says what the parser accepts: the same ops, each with the same required and
 * optional fields; and documents the parser refuses for their shape, the schema refuses too.
 */
class ScenarioSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode schema() throws Exception {
        try (InputStream in = ScenarioSchemaTest.class.getResourceAsStream("/schemas/scenario.schema.json")) {
            return JSON.readTree(in);
        }
    }

    @Test
    void everyOpHasTheParsersRequiredAndOptionalFields() throws Exception {
        JsonNode s = schema();
        Map<String, List<Set<String>>> parser = ScenarioParser.fieldsByOp();
        Set<String> ops = new HashSet<>();
        s.at("/$defs/step/properties/op/enum").forEach(n -> ops.add(n.asText()));
        assertEquals(parser.keySet(), ops);
        for (JsonNode rule : s.at("/$defs/step/allOf")) {
            String op = rule.at("/if/properties/op/const").asText();
            Set<String> required = new HashSet<>();
            rule.at("/then/required").forEach(n -> required.add(n.asText()));
            Set<String> all = new HashSet<>();
            for (Iterator<String> it = rule.at("/then/properties").fieldNames(); it.hasNext(); ) {
                all.add(it.next());
            }
            assertEquals(parser.get(op).get(0), required, op + ": required fields");
            Set<String> expected = new HashSet<>(parser.get(op).get(0));
            expected.addAll(parser.get(op).get(1));
            expected.add("op");
            if (!op.equals(ScenarioParser.REPEAT)) {
                expected.add("expect"); // a Repeat's steps carry their own
            }
            assertEquals(expected, all, op + ": allowed fields");
        }
    }

    @Test
    void aValidScenarioPassesAndShapeErrorsFailBothWays() throws Exception {
        String valid = """
                {"scenario": "s", "profile": "win7-x64", "policy": {"verifier": true},
                 "steps": [{"op": "VirtualAlloc", "as": "b", "size": "0x2000", "protect": "PAGE_READWRITE|PAGE_GUARD"},
                           {"op": "IoAllocateMdl", "as": "m", "buffer": "b", "length": 8192},
                           {"op": "MmProbeAndLockPages", "mdl": "m", "operation": "IoWriteAccess",
                            "expect": "STATUS_GUARD_PAGE_VIOLATION"}]}""";
        assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(valid)));
        ScenarioParser.parse(valid, "valid");

        for (String bad : List.of(
                "{\"steps\": [{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"address\": 4096, \"lenght\": 1}]}",
                "{\"steps\": [{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"address\": 4096}]}",
                "{\"steps\": [{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\", \"operation\": \"IoRead\"}]}",
                "{\"steps\": [{\"op\": \"Frobnicate\"}]}",
                "{\"profile\": \"win12\", \"steps\": []}",
                "{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": \"4K\"}]}",
                "{\"stepz\": []}")) {
            assertFalse(SchemaFiles.errors("scenario", JSON.readTree(bad)).isEmpty(), "schema accepted " + bad);
            assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(bad, "bad"), bad);
        }
    }

    @Test
    void handlesAndExpectSkippedPassBothAndAHandleOnOpenHandleFailsBoth() throws Exception {
        String valid = """
                {"steps": [{"op": "VirtualAlloc", "as": "b", "size": 4096},
                           {"op": "OpenHandle", "as": "h2"},
                           {"op": "IoAllocateMdl", "handle": "h2", "as": "m", "buffer": "b", "length": 4096},
                           {"op": "MmProbeAndLockPages", "mdl": "m", "expect": "skipped"},
                           {"op": "CloseHandle", "handle": "h2"}]}""";
        assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(valid)));
        ScenarioParser.parse(valid, "valid");
        String bad = "{\"steps\": [{\"op\": \"OpenHandle\", \"as\": \"h2\", \"handle\": \"main\"}]}";
        assertFalse(SchemaFiles.errors("scenario", JSON.readTree(bad)).isEmpty());
        assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(bad, "bad"));
    }

    @Test
    void duplicateHandlePassesBothAndABadIntoOrAMissingAsFailsBoth() throws Exception {
        String valid = """
                {"steps": [{"op": "DuplicateHandle", "as": "d", "into": "sameProcess"},
                           {"op": "DuplicateHandle", "handle": "d", "as": "far", "into": "otherProcess"},
                           {"op": "Info", "handle": "far", "expect": "STATUS_ACCESS_DENIED"},
                           {"op": "CloseHandle", "handle": "d"}]}""";
        assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(valid)));
        assertTrue(ScenarioParser.parse(valid, "valid").simulatorOnly());
        for (String bad : List.of(
                "{\"steps\": [{\"op\": \"DuplicateHandle\", \"as\": \"d\", \"into\": \"child\"}]}",
                "{\"steps\": [{\"op\": \"DuplicateHandle\", \"into\": \"sameProcess\"}]}",
                "{\"steps\": [{\"op\": \"DuplicateHandle\", \"as\": \"d\"}]}")) {
            assertFalse(SchemaFiles.errors("scenario", JSON.readTree(bad)).isEmpty(), "schema accepted " + bad);
            assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(bad, "bad"), bad);
        }
    }

    @Test
    void theSchemaNamesItsDraftAndId() throws Exception {
        JsonNode s = schema();
        assertEquals("https://json-schema.org/draft/2020-12/schema", s.get("$schema").asText());
        assertTrue(s.get("$id").asText().endsWith("/scenario.schema.json"));
    }
}
