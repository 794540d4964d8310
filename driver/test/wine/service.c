/*
 * service.c - see service.h.
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

#include "mdlbridge.h"
#include "service.h"

int mdlb_wine_service_install(const char *sys)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS), svc;
    WCHAR path[MAX_PATH + 8];
    if (!scm)
        return printf("OpenSCManager failed %lu\n", GetLastError()), 1;
    /* The NT path form: Wine's loader, like Windows', takes \??\ + a drive path as ImagePath. */
    swprintf(path, MAX_PATH + 8, L"\\??\\%hs", sys);
    svc = CreateServiceW(scm, MDLB_SERVICE_NAME, MDLB_SERVICE_NAME, SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER,
                         SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, path, NULL, NULL, NULL, NULL, NULL);
    if (!svc && GetLastError() == ERROR_SERVICE_EXISTS)
        svc = OpenServiceW(scm, MDLB_SERVICE_NAME, SERVICE_ALL_ACCESS);
    if (!svc) {
        printf("CreateService failed %lu\n", GetLastError());
        CloseServiceHandle(scm);
        return 1;
    }
    if (!StartServiceW(svc, 0, NULL) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
        printf("StartService failed %lu\n", GetLastError());
        CloseServiceHandle(svc);
        CloseServiceHandle(scm);
        return 1;
    }
    printf("service %ls started from %ls\n", MDLB_SERVICE_NAME, path);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return 0;
}

int mdlb_wine_service_stop(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    SC_HANDLE svc = scm ? OpenServiceW(scm, MDLB_SERVICE_NAME, SERVICE_ALL_ACCESS) : NULL;
    SERVICE_STATUS ss;
    if (!svc) {
        if (scm)
            CloseServiceHandle(scm);
        return 1;
    }
    ControlService(svc, SERVICE_CONTROL_STOP, &ss);
    DeleteService(svc);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    printf("service stopped\n");
    return 0;
}
