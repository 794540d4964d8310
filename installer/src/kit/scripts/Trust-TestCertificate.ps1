# Trusts the kit's test certificate (driver\mdlbridge-test.cer) on this machine, so that Windows loads the
# test-signed mdlbridge.sys once test signing is on. Test machines only. `mdl driver install` does the same.
#Requires -RunAsAdministrator
$ErrorActionPreference = 'Stop'

$cer = Join-Path $PSScriptRoot '..\driver\mdlbridge-test.cer'
# Root: the chain is trusted; TrustedPublisher: the publisher is trusted without a prompt.
Import-Certificate -FilePath $cer -CertStoreLocation Cert:\LocalMachine\Root | Out-Null
Import-Certificate -FilePath $cer -CertStoreLocation Cert:\LocalMachine\TrustedPublisher | Out-Null
Write-Output "trusted $cer in LocalMachine\Root and LocalMachine\TrustedPublisher"
Write-Output 'test signing must also be on: bcdedit /set testsigning on, then reboot'
