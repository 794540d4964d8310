package dev.mdlbridge.simulator.kernel;

/** An IRP as far as MDLs go: {@code Irp->MdlAddress} and who asked. */
public interface Irp {

    /** {@code Irp->MdlAddress}: the head of the chain, or null. */
    Mdl mdlAddress();

    /** Sets {@code Irp->MdlAddress} (a driver detaching its chain sets null). */
    void setMdlAddress(Mdl mdl);

    SimProcess requestor();
}
