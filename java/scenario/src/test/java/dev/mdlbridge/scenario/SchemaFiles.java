package dev.mdlbridge.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;

/** The published schemas (resources/schemas), loaded as a user's validator would load them, by their $id. */
public final class SchemaFiles {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://mdlbridge.dev/schemas/", "classpath:schemas/")));

    private SchemaFiles() {
    }

    /** {@code scenario}, {@code result} or {@code selftest}. */
    public static JsonSchema get(String name) {
        return FACTORY.getSchema(SchemaLocation.of("https://mdlbridge.dev/schemas/" + name + ".schema.json"));
    }

    public static Set<ValidationMessage> errors(String name, JsonNode document) {
        return get(name).validate(document);
    }
}
