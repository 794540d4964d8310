package dev.mdlbridge.api;

import dev.mdlbridge.spi.Backend;
import java.util.List;

/**
 * The backend a bridge uses, and why: the policy asked for, the one chosen, and for every other backend why it
 * was not used (Testcontainers style: when nothing works, every reason is there).
 *
 * @param policy  the policy asked for: {@code auto}, {@code driver}, {@code simulator}, {@code replay:FILE} or
 *                {@code given} ({@link MdlBridge#on})
 * @param backend the backend chosen (wrapped by any decorator, such as the recorder)
 * @param reason  why it was chosen, or how it was found
 * @param notUsed for every other backend, its name and why it was not used
 */
public record BackendSelection(String policy, Backend backend, String reason, List<String> notUsed) {

    /**
     * The selection in one line, as errors and skip reasons print it.
     *
     * @return {@code "simulator (auto: driver not available (requires Windows))"}
     */
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
