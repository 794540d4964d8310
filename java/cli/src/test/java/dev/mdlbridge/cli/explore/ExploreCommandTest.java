package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import dev.mdlbridge.cli.Main;
import dev.mdlbridge.protocol.Protocol;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mdl explore} on the command line: usage errors, the JSON document and its schema, the finding files. */
class ExploreCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exit, String out, String err) {
    }

    private static Run mdl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void badUsageIsOneLineAndExit2() {
        Run r = mdl("explore", "--seconds", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().lines().findFirst().orElse("").contains("--seconds 0"), r.err());
        Run b = mdl("explore", "--backend", "floppy");
        assertEquals(2, b.exit());
    }

    @Test
    void theDriverNeedsConsentBecauseAFindingCrashesTheMachine() {
        Run r = mdl("explore", "--backend", "driver");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--i-accept-a-crash") && r.err().contains("Driver Verifier"), r.err());
    }

    @Test
    void jsonFollowsTheSchemaNamesEveryOpAndRuleAndFindingsAreWritten(@TempDir Path dir) throws Exception {
        Run r = mdl("explore", "--seconds", "3", "--seed", "1", "--json", "--out", dir.toString());
        JsonNode doc = JSON.readTree(r.out());
        JsonSchemaFactory f = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix("https://mdlbridge.dev/schemas/", "classpath:schemas/")));
        assertEquals(Set.of(), f.getSchema(SchemaLocation.of("https://mdlbridge.dev/schemas/explore.schema.json"))
                .validate(doc));
        assertEquals(Names.OPS.size(), doc.get("coverage").get("ops").size());
        long rules = java.util.Arrays.stream(Protocol.class.getFields())
                .filter(x -> x.getName().startsWith("REFUSE_")).count();
        assertEquals(rules, doc.get("coverage").get("refusals").size());
        assertTrue(doc.get("coverage").get("refusals").has("MDLB_REFUSE_POOL_IN_USE"));
        Set<String> unreachable = new java.util.HashSet<>();
        doc.get("coverage").get("unreachable").fieldNames().forEachRemaining(unreachable::add);
        assertEquals(Set.of("MDLB_REFUSE_PROBE_MAPPED", "MDLB_REFUSE_FREE_MAPPED", "MDLB_REFUSE_NO_DIRECT_RECORD",
                "MDLB_REFUSE_IO_SPACE"), unreachable);
        assertTrue(doc.get("coverage").get("unreachable").get("MDLB_REFUSE_NO_DIRECT_RECORD").asText()
                .contains("DIRECT_FETCH"));
        assertTrue(doc.get("coverage").get("unreachable").get("MDLB_REFUSE_IO_SPACE").asText().contains("device"));
        long details = java.util.Arrays.stream(Protocol.class.getFields())
                .filter(x -> x.getName().startsWith("PARAM_")).count();
        assertEquals(details, doc.get("coverage").get("parameters").size());
        assertTrue(doc.get("coverage").get("parametersUnreachable").has("MDLB_PARAM_RESERVED"));
        assertTrue(r.err().startsWith("explore: simulator"), r.err());
        int found = doc.get("findings").size();
        assertEquals(found == 0 ? 0 : 1, r.exit());
        try (var files = Files.list(dir)) {
            assertEquals(found, files.count());
        }
    }
}
