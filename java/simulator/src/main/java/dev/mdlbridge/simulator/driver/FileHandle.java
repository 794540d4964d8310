package dev.mdlbridge.simulator.driver;

import dev.mdlbridge.simulator.kernel.SimProcess;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open of the device (the twin of {@code mdlb_handle}): its owner recorded at CREATE, its objects, its use and
 * the record the last DIRECT call left. {@link #lock} is held by every request and by release, so a release waits
 * for a request in flight (rundown) and never runs beside a probe or map of the same object.
 */
public final class FileHandle {

    final SimProcess owner;
    final ReentrantLock lock = new ReentrantLock();
    final ObjectTable table;
    final ResourceUse use = new ResourceUse();
    /**
     * Found shared: another process sent a request, or more than one handle refers to the file object (counted at
     * user-mapping time and at every request while user mappings live). From then on no new mapping, lock or page
     * allocation.
     */
    volatile boolean shared;
    /** CLEANUP or the owner's exit ran: later requests fail with STATUS_INVALID_HANDLE and create nothing. */
    boolean released;
    /** Live user mappings of this handle, under {@link #lock}. */
    int userMappings;
    /** Pool bytes charged for the table's slots, given back when the handle goes (CLOSE). */
    long tableCharge;
    DirectRecord direct;
    /** Whether the kept DIRECT snapshots (the C driver's lazily allocated record) are charged now. */
    boolean directCharged;
    /** How many handles refer to this file object: what ZwQueryObject(ObjectBasicInformation) tells the driver. */
    private volatile java.util.function.IntSupplier handleCount = () -> 1;

    FileHandle(SimProcess owner, java.util.function.IntSupplier driverIds) {
        this.owner = owner;
        this.table = new ObjectTable(driverIds);
    }

    /** Set by the I/O manager's side (the backend) that knows the file object's handles. */
    public void handleCountFrom(java.util.function.IntSupplier count) {
        this.handleCount = count;
    }

    int handleCount() {
        return handleCount.getAsInt();
    }

    /** What the last DIRECT_IN / DIRECT_OUT call saw, kept for DIRECT_FETCH (the MDL is gone by then). */
    static final class DirectRecord {
        int status;
        int stage;
        int detail;
        long value;
        MdlView before;
        MdlView after;
    }
}
