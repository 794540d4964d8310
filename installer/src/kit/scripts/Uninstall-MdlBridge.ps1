# Stops and removes the MdlBridge service and the copied mdlbridge.sys; with -RemoveCertificate also the kit's test
# certificate from Root and TrustedPublisher. A service mdlbridge did not create is kept unless -Force.
#Requires -RunAsAdministrator
param([switch]$Force, [switch]$RemoveCertificate)
$ErrorActionPreference = 'Stop'

$key = 'HKLM:\SYSTEM\CurrentControlSet\Services\MdlBridge'
if (-not (Test-Path $key)) {
    Write-Output 'MdlBridge is not installed'
} else {
    $createdBy = (Get-ItemProperty -Path $key -Name MdlbridgeCreatedBy -ErrorAction SilentlyContinue).MdlbridgeCreatedBy
    if (-not $createdBy -and -not $Force) {
        throw 'the MdlBridge service was not created by mdlbridge; rerun with -Force to remove it anyway'
    }
    & sc.exe stop MdlBridge | Out-Null   # 1062 (not started) is fine
    # Kernel drivers are "devices" to .NET's ServiceController (Get-Service may not list them); its status is an
    # enum, so this does not depend on the display language as sc.exe's text would.
    Add-Type -AssemblyName System.ServiceProcess
    function Test-Stopped {
        $svc = [System.ServiceProcess.ServiceController]::GetDevices() | Where-Object ServiceName -eq 'MdlBridge'
        return (-not $svc) -or ($svc.Status -eq 'Stopped')
    }
    # A driver cannot unload while a handle to \\.\MdlBridge is open: wait, then say so.
    for ($i = 0; $i -lt 30 -and -not (Test-Stopped); $i++) { Start-Sleep -Milliseconds 500 }
    if (-not (Test-Stopped)) {
        throw 'MdlBridge is still stopping after 15 s: a process still has \\.\MdlBridge open; close it and run this again'
    }
    & sc.exe delete MdlBridge
    if ($LASTEXITCODE -eq 1072) {
        Write-Output 'marked for deletion (1072): close services.msc and every program using the driver, or reboot'
    } elseif ($LASTEXITCODE -ne 0) {
        throw "sc.exe delete failed with $LASTEXITCODE"
    }
    Remove-Item (Join-Path $env:SystemRoot 'System32\drivers\mdlbridge.sys') -ErrorAction SilentlyContinue
}

if ($RemoveCertificate) {
    $cer = Join-Path $PSScriptRoot '..\driver\mdlbridge-test.cer'
    $thumb = (New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 $cer).Thumbprint
    foreach ($store in 'Root', 'TrustedPublisher') {
        Remove-Item "Cert:\LocalMachine\$store\$thumb" -ErrorAction SilentlyContinue
    }
    Write-Output "removed the test certificate $thumb from Root and TrustedPublisher"
}
