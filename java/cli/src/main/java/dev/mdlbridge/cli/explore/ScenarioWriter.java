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
        if (!f.setup().defaultProfile()) {
            root.put("profile", f.setup().profile()); // so `mdl run` replays on the machine the finding needs
        }
        if (!f.setup().faults().isEmpty()) {
            ObjectNode faults = root.putObject("faults");
            f.setup().faults().forEach(faults::put);
        }
        ArrayNode steps = root.putArray("steps");
        f.steps().forEach(a -> steps.add(a.toJson()));
        // The explorer ends every sequence by closing its open handles in the order they were opened (then, on
        // the simulator, the process exits). Written out, so a finding made by that release replays the same way
        // under `mdl run`, whose own end-of-run release would otherwise pick its order.
        for (String h : openAtEnd(f)) {
            ObjectNode close = steps.addObject();
            close.put("op", "CloseHandle");
            if (!h.equals(Action.MAIN)) {
                close.put("handle", h);
            }
        }
        if (f.violation().summary().contains("process exit")) {
            steps.addObject().put("op", "ProcessExit");
        }
        return root;
    }

    /** The handles open after the steps, in the order they were opened: main first. */
    private static java.util.List<String> openAtEnd(Finding f) {
        java.util.LinkedHashSet<String> open = new java.util.LinkedHashSet<>();
        open.add(Action.MAIN);
        for (Action a : f.steps()) {
            if (a.op().equals("OpenHandle") || a.op().equals("DuplicateHandle")) {
                open.add(String.valueOf(a.fields().get("as")));
            } else if (a.op().equals("CloseHandle") && a.handle() != null && !a.handle().equals(Action.MAIN)) {
                open.remove(a.handle());
            } else if (a.op().equals("ProcessExit")) {
                open.retainAll(java.util.Set.of(Action.MAIN)); // the runner reopens main after the exit
            }
        }
        return java.util.List.copyOf(open);
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
