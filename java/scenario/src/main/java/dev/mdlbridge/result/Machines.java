package dev.mdlbridge.result;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.record.RecordedBackend;

/** The machine block of a result, from what the driver said when the handle was opened. */
public final class Machines {

    private Machines() {
    }

    public static RunResult.Machine of(MdlBridge bridge) {
        Info i = bridge.driverInfo();
        String os = switch (bridge.backend().name()) {
            case "simulator" -> "Windows (simulated)";
            case "replay" -> bridge.backend().capability(RecordedBackend.class)
                    .map(r -> r.name().equals("simulator") ? "Windows (simulated, replayed)" : "Windows (replayed)")
                    .orElse("Windows (replayed)");
            default -> "Windows";
        };
        return new RunResult.Machine(os, i.osMajor() + "." + i.osMinor() + "." + i.osBuild(), i.archName(),
                Info.versionText(i.driverVersion()), i.protocolVersion());
    }
}
