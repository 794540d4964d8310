package dev.mdlbridge.cli;

import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Protocol;
import picocli.CommandLine.IVersionProvider;

/** mdl --version: the tool, the protocol, and the driver version it expects. */
public final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {
            "mdl " + (v == null ? "(development build)" : v),
            "protocol " + Protocol.PROTOCOL_VERSION + ", for mdlbridge.sys " + Info.versionText(Protocol.DRIVER_VERSION),
        };
    }
}
