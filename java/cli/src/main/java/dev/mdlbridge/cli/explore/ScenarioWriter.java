package dev.mdlbridge.cli.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a finding as a scenario file of CONTRACT section 9, which {@code mdl run} replays. */
final class ScenarioWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ScenarioWriter() {
    }

    static ObjectNode scenario(Finding f) {
        JsonNodeFactory n = JsonNodeFactory.instance;
        ObjectNode root = n.objectNode();
        root.put("scenario", "mdl explore: " + f.violation().summary() + " (" + f.steps().size() + " steps)");
        if (!f.faults().values().isEmpty()) {
            ObjectNode faults = root.putObject("faults");
            f.faults().values().forEach(faults::put);
        }
        ArrayNode steps = root.putArray("steps");
        f.steps().forEach(a -> steps.add(a.toJson()));
        return root;
    }

    /** {@code DIR/finding-NN-KIND[-0xCODE].json}; returns the path written. */
    static Path write(Path dir, int index, Finding f) {
        String name = String.format("finding-%02d-%s%s.json", index, f.kind(),
                f.bugCheckCode() != 0 ? String.format("-0x%X", f.bugCheckCode()) : "");
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.writeString(p, JSON.writeValueAsString(scenario(f)) + System.lineSeparator());
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("--out " + dir + ": cannot write " + name, e);
        }
    }
}
