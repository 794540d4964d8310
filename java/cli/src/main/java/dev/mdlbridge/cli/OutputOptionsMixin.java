package dev.mdlbridge.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --json}, beside the backend options: one declaration for every command that prints a document (describe,
 * run, selftest, stress, explore). {@link WithView} adds {@code --view} for the commands with text views.
 */
public class OutputOptionsMixin {

    /** The command this mixin is part of, for usage errors. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--json", description = "Print the command's JSON document on stdout (schemas/ in the jar), "
            + "whatever the exit code.")
    boolean json;

    public boolean json() {
        return json;
    }

    /** {@code --json} and {@code --view}: describe (dt) and run (dt, pfn). */
    public static class WithView extends OutputOptionsMixin {

        @Option(names = "--view", paramLabel = "dt|pfn", description = "The text view: dt, a dt nt!_MDL dump of every "
                + "snapshot; pfn (mdl run), a !pfn-style line per page with PFN, physical address and lock count.")
        String view;

        /** The view asked for (null for none); a view the command does not offer is a usage error naming those it does. */
        public String view(String... offered) {
            if (view != null && !List.of(offered).contains(view)) {
                throw new ParameterException(mixee.commandLine(), "--view " + view + " is not known: use "
                        + (offered.length == 1 ? "--view " + offered[0] : String.join(" or ", offered)));
            }
            return view;
        }
    }
}
