package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.mdlbridge.cli.Main;
import dev.mdlbridge.scenario.Examples;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The published JSON Schemas (java/api/src/main/resources/schemas) hold for what the tool reads and writes: every
 * shipped example scenario, the result of running each on the simulator, {@code mdl describe --json} and
 * {@code mdl selftest --json}.
 */
class SchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://mdlbridge.dev/schemas/", "classpath:schemas/")));

    private static Set<ValidationMessage> errors(String schema, JsonNode doc) {
        return FACTORY.getSchema(SchemaLocation.of("https://mdlbridge.dev/schemas/" + schema + ".schema.json"))
                .validate(doc);
    }

    @Test
    void everyExampleAndItsResultFollowTheSchemas() throws Exception {
        for (String e : Examples.names()) {
            assertEquals(Set.of(), errors("scenario", JSON.readTree(Examples.text(e))), "example " + e);
            assertEquals(Set.of(), errors("result", ExamplesTest.run(e)), "result of " + e);
            assertEquals(Set.of(), errors("result", SelftestCommand.expected(e)), "expected result of " + e);
        }
    }

    @Test
    void aResultThatBreaksTheContractIsRefused() throws Exception {
        JsonNode r = ExamplesTest.run("lifecycle");
        ObjectNode badFlags = r.deepCopy();
        ((ObjectNode) badFlags.get("steps").get(2).get("mdl")).put("mdlFlags", "10");
        assertFalse(errors("result", badFlags).isEmpty(), "flags are 0x and four hex digits");
        ObjectNode noBugCheck = r.deepCopy();
        noBugCheck.put("outcome", "bugcheck");
        assertFalse(errors("result", noBugCheck).isEmpty(), "a bugcheck outcome carries its bugCheck");
    }

    @Test
    void describeAndSelftestJsonFollowTheSchemas() throws Exception {
        assertEquals(Set.of(), errors("result", stdout("describe", "--size", "10000", "--offset", "0x123",
                "--backend", "simulator", "--json")));
        assertEquals(Set.of(), errors("selftest", stdout("selftest", "--backend", "simulator", "--json")));
    }

    /** The tool's stdout as JSON (the --json documents go to System.out, not picocli's writer). */
    private static JsonNode stdout(String... args) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter other = new StringWriter();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args, new PrintWriter(other), new PrintWriter(other));
            assertEquals(0, exit, other.toString());
        } finally {
            System.setOut(saved);
        }
        return JSON.readTree(bytes.toString(StandardCharsets.UTF_8));
    }
}
