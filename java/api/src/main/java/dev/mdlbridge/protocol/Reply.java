package dev.mdlbridge.protocol;

import java.util.List;
import java.util.Optional;

/** A decoded MDLB_REPLY_HEADER with its snapshots and data. */
public record Reply(NtStatus status, int stage, int detail, int objectId, long value, List<MdlSnapshot> snapshots,
                    byte[] data) {

    public Optional<MdlSnapshot> snapshot(int role) {
        return snapshots.stream().filter(s -> s.role() == role).findFirst();
    }

    public Optional<MdlSnapshot> after() {
        return snapshot(Protocol.ROLE_AFTER);
    }

    public Optional<MdlSnapshot> before() {
        return snapshot(Protocol.ROLE_BEFORE);
    }
}
