package dev.mdlbridge.simulator.kernel;

/** An IRP as far as MDLs go. */
final class IrpImpl implements Irp {

    private final SimProcess requestor;
    private Mdl mdlAddress;

    IrpImpl(SimProcess requestor) {
        this.requestor = requestor;
    }

    @Override
    public Mdl mdlAddress() {
        return mdlAddress;
    }

    @Override
    public void setMdlAddress(Mdl mdl) {
        this.mdlAddress = mdl;
    }

    @Override
    public SimProcess requestor() {
        return requestor;
    }
}
