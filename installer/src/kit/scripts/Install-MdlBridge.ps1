# Installs and starts mdlbridge.sys as the MdlBridge kernel-driver service, for machines without Java.
# `mdl driver install` and `mdl driver start` do the same with more checks. Test machines only.
#Requires -RunAsAdministrator
$ErrorActionPreference = 'Stop'

$sys = Join-Path $PSScriptRoot '..\driver\mdlbridge.sys'
$target = Join-Path $env:SystemRoot 'System32\drivers\mdlbridge.sys'

# An existing service is left alone: it may be another install, or not ours at all. (The registry key, not
# Get-Service: Windows PowerShell's Get-Service does not list kernel-driver services reliably.)
if (Test-Path 'HKLM:\SYSTEM\CurrentControlSet\Services\MdlBridge') {
    Write-Output 'MdlBridge is already installed; run Uninstall-MdlBridge.ps1 first to replace it'
    exit 0
}

Copy-Item -Path $sys -Destination $target -Force
# sc.exe wants a space after each "name=".
& sc.exe create MdlBridge type= kernel start= demand binPath= "$target" DisplayName= "mdlbridge MDL test driver"
if ($LASTEXITCODE -ne 0) { throw "sc.exe create failed with $LASTEXITCODE" }
# The mark `mdl driver uninstall` and Uninstall-MdlBridge.ps1 look for before removing the service.
$key = 'HKLM:\SYSTEM\CurrentControlSet\Services\MdlBridge'
Set-ItemProperty -Path $key -Name MdlbridgeCreatedBy -Value 'Install-MdlBridge.ps1'

& sc.exe start MdlBridge
if ($LASTEXITCODE -eq 577) {
    Write-Output 'not started (577): test signing is off or the certificate is not trusted: run Trust-TestCertificate.ps1, bcdedit /set testsigning on, reboot'
} elseif ($LASTEXITCODE -eq 1275) {
    Write-Output 'not started (1275): blocked by policy; turn off Memory Integrity (Windows Security > Device security > Core isolation) and reboot'
} elseif ($LASTEXITCODE -ne 0) {
    Write-Output "not started: sc.exe start returned $LASTEXITCODE"
}
exit $LASTEXITCODE
