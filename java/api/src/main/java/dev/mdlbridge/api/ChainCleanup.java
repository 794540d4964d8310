package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Protocol;

/** Who releases the MDLs of a {@code DescribeChain} once the driver has described them (CONTRACT.md section 5). */
public enum ChainCleanup {
    /**
     * The driver completes the IRP with the chain still attached to {@code Irp->MdlAddress}, and the I/O manager
     * unlocks and frees every MDL of it ({@code IoCompleteRequest}), as it does for a driver that leaves them there.
     */
    IO_MANAGER(Protocol.CLEANUP_IO_MANAGER, "IoManager"),
    /** The driver detaches the chain and walks {@code Next} itself: {@code MmUnlockPages}, then {@code IoFreeMdl}. */
    DRIVER(Protocol.CLEANUP_DRIVER, "Driver");

    private final int value;
    private final String scenarioName;

    ChainCleanup(int value, String scenarioName) {
        this.value = value;
        this.scenarioName = scenarioName;
    }

    /**
     * The protocol value.
     *
     * @return {@code MDLB_CLEANUP_IO_MANAGER} (0) or {@code MDLB_CLEANUP_DRIVER} (1)
     */
    public int value() {
        return value;
    }

    /**
     * The name the scenario language uses.
     *
     * @return {@code IoManager} or {@code Driver}
     */
    public String scenarioName() {
        return scenarioName;
    }
}
