/*
 * service.h - starts and removes the MdlBridge kernel service inside a Wine prefix, for the Wine smoke client
 * (wine/client.c) and the Wine fuzz client (wine-fuzz/fuzz_client.c). Test-only: the product's installer is
 * `mdl driver install` (java/windows), which checks far more before it touches a machine.
 */
#ifndef MDLB_WINE_SERVICE_H
#define MDLB_WINE_SERVICE_H

/* Registers (or reuses) the demand-start kernel service for the .sys at 'sys' (a Windows path such as
 * Z:\tmp\x\mdlbridge.sys) and starts it. Prints what failed with its Win32 error; returns 0 when running. */
int mdlb_wine_service_install(const char *sys);

/* Stops and deletes the service; returns 1 when it does not exist. */
int mdlb_wine_service_stop(void);

#endif
