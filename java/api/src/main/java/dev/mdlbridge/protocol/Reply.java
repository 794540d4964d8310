package dev.mdlbridge.protocol;

import java.util.List;
import java.util.Optional;

/** A decoded MDLB_REPLY_HEADER with its snapshots and data. */
public record Reply(NtStatus status, int stage, int detail, int objectId, long value, List<MdlSnapshot> snapshots,
                    byte[] data) {

    /** The first snapshot with this role. A loop: it runs twice on every call (a stream cost a visible share of
     *  the one-page describe). */
    public Optional<MdlSnapshot> snapshot(int role) {
        for (MdlSnapshot s : snapshots) {
            if (s.role() == role) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Optional<MdlSnapshot> after() {
        return snapshot(Protocol.ROLE_AFTER);
    }

    public Optional<MdlSnapshot> before() {
        return snapshot(Protocol.ROLE_BEFORE);
    }
}
