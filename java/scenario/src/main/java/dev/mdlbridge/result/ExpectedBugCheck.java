package dev.mdlbridge.result;

import dev.mdlbridge.spi.BugCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A step's {@code "expect": {"bugCheck": CODE, "parameters": [...]}} (CONTRACT.md section 9): the bug check the step
 * must cause. {@code parameters} holds up to four expected parameters in order; a null entry (JSON {@code null})
 * matches any value, and parameters not given are not compared.
 *
 * @param code       the stop code, 0..0xFFFFFFFF
 * @param parameters the expected parameters, at most four, each null (any) or the exact value
 */
public record ExpectedBugCheck(long code, List<Long> parameters) {

    public ExpectedBugCheck {
        if (parameters.size() > 4) {
            throw new IllegalArgumentException("a bug check has four parameters; " + parameters.size() + " given");
        }
        parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
    }

    /** The code matches and so does every parameter given. */
    public boolean matches(BugCheck b) {
        if (b == null || (b.code() & 0xFFFF_FFFFL) != code) {
            return false;
        }
        List<Long> actual = b.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) != null && parameters.get(i).longValue() != actual.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format("bug check 0x%X", code));
        if (!parameters.isEmpty()) {
            s.append(" (");
            for (int i = 0; i < parameters.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(parameters.get(i) == null ? "any"
                        : "0x" + Long.toHexString(parameters.get(i)).toUpperCase(java.util.Locale.ROOT));
            }
            s.append(parameters.size() < 4 ? ", ...)" : ")");
        }
        return s.toString();
    }
}
