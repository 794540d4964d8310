package dev.mdlbridge.simulator.kernel;

/**
 * A process's user address space, as its own threads see it (VirtualAlloc and the like, ReadProcessMemory-style access
 * that reports faults instead of crashing). Errors are {@link dev.mdlbridge.spi.UserMemoryException} with the
 * Win32 error Windows gives (87 invalid parameter, 487 invalid address, 998 no access, ...).
 */
public interface AddressSpace extends dev.mdlbridge.spi.UserMemory {
}
