package dev.mdlbridge.spi;

import java.util.List;

/** A simulated bug check: Windows' stop code and its four parameters. */
public record BugCheck(int code, long p1, long p2, long p3, long p4, String name) {

    public List<Long> parameters() {
        return List.of(p1, p2, p3, p4);
    }

    @Override
    public String toString() {
        return String.format("bug check 0x%X %s (0x%X, 0x%X, 0x%X, 0x%X)", code, name, p1, p2, p3, p4);
    }
}
