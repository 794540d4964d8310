package dev.mdlbridge.api;

import dev.mdlbridge.spi.Backend;
import java.util.List;

/**
 * The backend a bridge uses, and why: the policy asked for, the one chosen, and for every other backend why it
 * was not used (Testcontainers style: when nothing works, every reason is there).
 */
public record BackendSelection(String policy, Backend backend, String reason, List<String> notUsed) {

    /** "simulator (auto: driver not available (requires Windows))". */
    public String describe() {
        StringBuilder sb = new StringBuilder(backend.name()).append(" (").append(policy);
        if (!reason.isEmpty()) {
            sb.append(": ").append(reason);
        }
        sb.append(')');
        for (String n : notUsed) {
            sb.append("; not used: ").append(n);
        }
        return sb.toString();
    }
}
