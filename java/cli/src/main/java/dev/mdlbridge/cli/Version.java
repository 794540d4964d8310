package dev.mdlbridge.cli;

import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Protocol;
import picocli.CommandLine.IVersionProvider;

/** mdl --version: the tool, the protocol, and the driver version it expects. */
public final class Version implements IVersionProvider {

    /** The tool's version from the jar's manifest, or "(development build)" when run from classes. */
    public static String text() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "mdl " + text(),
            "protocol " + Protocol.PROTOCOL_VERSION + ", for mdlbridge.sys " + Info.versionText(Protocol.DRIVER_VERSION),
        };
    }
}
