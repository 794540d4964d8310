package dev.mdlbridge.cli.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.mdlbridge.result.ResultDiff;
import dev.mdlbridge.scenario.ScenarioParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mdl diff A.json B.json}: what differs between two results that a driver could observe. Both inputs must be
 * result documents ({@code result.schema.json}: what {@code mdl run --json} and {@code mdl describe --json} print);
 * anything else is a usage error that names the file and says what it is instead.
 */
@Command(name = "diff", description = "Compare two result documents, ignoring addresses and PFN values.",
        footer = {"", "Exit codes: 0 equivalent (calibration differences only), 1 different, 2 bad usage."})
public final class DiffCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A.json")
    Path a;

    @Parameters(index = "1", paramLabel = "B.json")
    Path b;

    @Override
    public Integer call() {
        JsonNode ra = result(a);
        JsonNode rb = result(b);
        List<ResultDiff.Difference> d = ResultDiff.compare(ra, rb);
        PrintWriter out = spec.commandLine().getOut();
        long failures = d.stream().filter(x -> !x.isCalibration()).count();
        for (ResultDiff.Difference x : d) {
            out.println((x.isCalibration() ? "calibration " : "DIFFERENT   ") + x);
        }
        out.println(failures == 0 ? "equivalent" + (d.isEmpty() ? "" : " (" + d.size() + " calibration differences)")
                : failures + " differences");
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    /** The result document in {@code file}, or a usage error naming the file and what is wrong with it. */
    private JsonNode result(Path file) {
        if (!Files.exists(file)) {
            throw usage("no such file: " + file);
        }
        if (Files.isDirectory(file)) {
            throw usage(file + " is a directory, not a result document");
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw usage(file + ": " + ScenarioParser.notJson(e));
        } catch (IOException e) {
            throw usage("cannot read " + file + ": " + e.getMessage());
        }
        if (doc == null || doc.isMissingNode()) {
            throw usage(file + ": empty; give a result document (mdl run FILE --json, mdl describe --json)");
        }
        String kind = doc.has("scenarios") && doc.has("passed") ? "a selftest document (mdl selftest --json), "
                + "not a result; compare the results mdl selftest --out DIR writes"
                : doc.has("steps") && !doc.has("outcome") ? "a scenario, not a result; run it first: mdl run FILE --json"
                : doc.has("findings") ? "an explore report, not a result" : null;
        if (kind != null) {
            throw usage(file + ": " + kind);
        }
        List<String> errors = Schema.RESULT.validate(doc).stream().map(ValidationMessage::getMessage).sorted().toList();
        if (!errors.isEmpty()) {
            throw usage(file + ": not a result document (result.schema.json: " + errors.get(0)
                    + (errors.size() > 1 ? "; " + (errors.size() - 1) + " more" : "") + ")");
        }
        return doc;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * The published result schema, from the jar (its $id mapped to the class path, as a user's validator would);
     * loaded when diff first needs it, not by every command.
     */
    private static final class Schema {
        static final JsonSchema RESULT = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                        f -> f.schemaMappers(m -> m.mapPrefix("https://mdlbridge.dev/schemas/", "classpath:schemas/")))
                .getSchema(SchemaLocation.of("https://mdlbridge.dev/schemas/result.schema.json"));
    }
}
