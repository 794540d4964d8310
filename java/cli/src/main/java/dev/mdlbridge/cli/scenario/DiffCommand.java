package dev.mdlbridge.cli.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.result.ResultDiff;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mdl diff A.json B.json}: what differs between two results that a driver could observe. */
@Command(name = "diff", description = "Compare two result documents, ignoring addresses and PFN values.",
        footer = {"", "Exit codes: 0 equivalent (calibration differences only), 1 different, 2 bad usage."})
public final class DiffCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A.json")
    Path a;

    @Parameters(index = "1", paramLabel = "B.json")
    Path b;

    @Override
    public Integer call() {
        ObjectMapper json = new ObjectMapper();
        List<ResultDiff.Difference> d;
        try {
            d = ResultDiff.compare(json.readTree(a.toFile()), json.readTree(b.toFile()));
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read a result document: " + e.getMessage());
        }
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
}
