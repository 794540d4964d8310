package dev.mdlbridge.api;

/**
 * One range of a {@code DescribeChain}: a piece of the calling process's memory that gets its own MDL on the IRP
 * ({@code IoAllocateMdl} with the IRP, then {@code MmProbeAndLockPages(UserMode, operation)}).
 *
 * @param address   the range's user virtual address (any byte alignment; the MDL's {@code ByteOffset} is its low
 *                  12 bits)
 * @param length    its length in bytes (the MDL's {@code ByteCount}, a ULONG)
 * @param operation the {@code LOCK_OPERATION} the range is probed for
 */
public record ChainRange(long address, int length, LockOperation operation) {

    /**
     * The range as the protocol encodes it.
     *
     * @return the same range with the operation's {@code LOCK_OPERATION} value
     */
    public dev.mdlbridge.protocol.Requests.ChainRange toRequest() {
        return new dev.mdlbridge.protocol.Requests.ChainRange(address, length, operation.value());
    }
}
