package dev.mdlbridge.cli.explore;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code mdl explore --json} document (schema explore.schema.json, schemaVersion 1). */
final class ExploreJson {

    private ExploreJson() {
    }

    static ObjectNode of(String backend, long seconds, Explorer.Report r) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("schemaVersion", 1);
        root.put("backend", backend);
        root.put("seed", r.seed());
        root.put("seconds", seconds);
        root.put("sequences", r.sequences());
        root.put("steps", r.steps());
        ArrayNode findings = root.putArray("findings");
        for (Finding f : r.findings()) {
            ObjectNode n = findings.addObject();
            n.put("kind", f.kind());
            if (f.bugCheckCode() != 0) {
                n.put("bugCheck", String.format("0x%X", f.bugCheckCode()));
            }
            n.put("summary", f.violation().summary());
            n.put("stepCount", f.steps().size());
            if (f.file() != null) {
                n.put("file", f.file());
            }
            n.set("scenario", f.scenario());
        }
        ObjectNode coverage = root.putObject("coverage");
        ObjectNode ops = coverage.putObject("ops");
        r.ops().forEach(ops::put);
        ObjectNode refusals = coverage.putObject("refusals");
        r.refusals().forEach(refusals::put);
        ObjectNode unreachable = coverage.putObject("unreachable");
        Coverage.UNREACHABLE.forEach(unreachable::put);
        ObjectNode parameters = coverage.putObject("parameters");
        r.parameters().forEach(parameters::put);
        ObjectNode parametersUnreachable = coverage.putObject("parametersUnreachable");
        Coverage.PARAMS_UNREACHABLE.forEach(parametersUnreachable::put);
        ObjectNode notImplemented = coverage.putObject("notImplemented");
        r.notImplemented().forEach(notImplemented::put);
        return root;
    }
}
