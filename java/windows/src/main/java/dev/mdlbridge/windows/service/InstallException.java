package dev.mdlbridge.windows.service;

/** The installer refused or failed; the message says why and what to do. Nothing was left half done. */
public final class InstallException extends RuntimeException {

    public InstallException(String message) {
        super(message);
    }
}
