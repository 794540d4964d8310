# Installs and starts mdlbridge.sys as the MdlBridge kernel-driver service, for machines without Java.
# `mdl driver install` and `mdl driver start` do the same with more checks. Test machines only.
#   Install-MdlBridge.ps1 [-Limit NAME=VALUE[,NAME=VALUE...]]
# -Limit writes administrator limits (CONTRACT.md section 4) as REG_QWORD values under the service's Parameters
# key, as `mdl driver install --limit` does; sizes like 2G are accepted; every one is checked before anything is done.
#Requires -RunAsAdministrator
param(
    [string[]]$Limit = @()
)
$ErrorActionPreference = 'Stop'

$sys = Join-Path $PSScriptRoot '..\driver\mdlbridge.sys'
$target = Join-Path $env:SystemRoot 'System32\drivers\mdlbridge.sys'
$serviceKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\MdlBridge'

# Each limit's range {min, max}: MDLB_LIMIT_RANGES of driver/include/mdlbridge.h (InstallScriptLimitsTest checks
# this table against the protocol). The driver clamps a value outside it; this script refuses it instead.
$LimitRanges = [ordered]@{
    'maxObjects'                   = @(16, 65536)
    'maxLockedBytes'               = @(0x100000, 0x1000000000)
    'maxKernelBufferBytes'         = @(0x10000, 0x100000000)
    'maxPageAllocationBytes'       = @(0x10000, 0x1000000000)
    'maxMdlPoolBytes'              = @(0x100000, 0x10000000)
    'maxSystemMappingBytes'        = @(0x100000, 0x800000000)
    'driverMaxObjects'             = @(16, 1048576)
    'driverMaxLockedBytes'         = @(0x100000, 0x4000000000)
    'driverMaxKernelBufferBytes'   = @(0x10000, 0x400000000)
    'driverMaxPageAllocationBytes' = @(0x10000, 0x4000000000)
    'driverMaxMdlPoolBytes'        = @(0x100000, 0x40000000)
    'driverMaxSystemMappingBytes'  = @(0x100000, 0x800000000)
    'driverMaxHandles'             = @(1, 4096)
}

# NAME=VALUE -> name and value; a value is digits, 0x hex, or digits with K, M, G or T (binary units: 2G = 2 GiB).
function ConvertFrom-Limit([string]$text) {
    $eq = $text.IndexOf('=')
    if ($eq -lt 0) { throw "-Limit '$text' is not NAME=VALUE (for example maxPageAllocationBytes=2G)" }
    $name = $text.Substring(0, $eq).Trim()
    $value = $text.Substring($eq + 1).Trim()
    # -ceq: registry value names are case-insensitive, but a misspelt case is refused as the CLI refuses it
    $known = @($LimitRanges.Keys | Where-Object { $_ -ceq $name })
    if ($known.Count -eq 0) {
        throw "-Limit: there is no limit '$name'; the limits are $($LimitRanges.Keys -join ', ')"
    }
    if ($value -match '^0[xX]([0-9a-fA-F]{1,15})$') {
        $n = [Convert]::ToInt64($Matches[1], 16)
    } elseif ($value -match '^(\d{1,15})([KMGTkmgt]?)$') {
        $shift = switch ($Matches[2].ToUpper()) { 'K' { 10 } 'M' { 20 } 'G' { 30 } 'T' { 40 } default { 0 } }
        $n = [int64]$Matches[1] * [int64][math]::Pow(2, $shift)
    } else {
        throw "-Limit: $name=$value is not a number: give digits, 0x hex, or a size with K, M, G or T (2G = 2147483648)"
    }
    $range = $LimitRanges[$name]
    if ($n -lt $range[0] -or $n -gt $range[1]) {
        throw "-Limit: $name=$n is outside its range $($range[0])..$($range[1]): give a value in that range"
    }
    return [pscustomobject]@{ Name = $name; Value = $n }
}

# The .cmd wrapper runs this with -File, which passes "a=1,b=2" as one string: split it here.
$limits = @($Limit | ForEach-Object { $_ -split ',' } | Where-Object { $_.Trim() -ne '' } |
    ForEach-Object { ConvertFrom-Limit $_ })
$names = @($limits | ForEach-Object { $_.Name })
if (($names | Select-Object -Unique).Count -ne $names.Count) { throw '-Limit: each limit may be given once' }

# Written as REG_QWORD under Parameters; the driver reads them once, when it loads.
function Set-Limits {
    if ($limits.Count -eq 0) { return }
    $parameters = Join-Path $serviceKey 'Parameters'
    if (-not (Test-Path $parameters)) { New-Item -Path $parameters | Out-Null }
    foreach ($l in $limits) {
        New-ItemProperty -Path $parameters -Name $l.Name -PropertyType QWord -Value $l.Value -Force | Out-Null
        Write-Output "set $($l.Name) = $($l.Value) (REG_QWORD in $parameters)"
    }
}

# An existing service is left alone: it may be another install, or not ours at all. (The registry key, not
# Get-Service: Windows PowerShell's Get-Service does not list kernel-driver services reliably.) Limits are still
# written to it when asked for: they take effect when the driver next loads.
if (Test-Path $serviceKey) {
    if ($limits.Count -gt 0) {
        Set-Limits
        Write-Output 'MdlBridge is already installed: the limits take effect when it next loads (sc.exe stop MdlBridge, then sc.exe start MdlBridge)'
        exit 0
    }
    Write-Output 'MdlBridge is already installed; run Uninstall-MdlBridge.ps1 first to replace it'
    exit 0
}

Copy-Item -Path $sys -Destination $target -Force
# sc.exe wants a space after each "name=".
& sc.exe create MdlBridge type= kernel start= demand binPath= "$target" DisplayName= "mdlbridge MDL test driver"
if ($LASTEXITCODE -ne 0) { throw "sc.exe create failed with $LASTEXITCODE" }
# The mark `mdl driver uninstall` and Uninstall-MdlBridge.ps1 look for before removing the service.
Set-ItemProperty -Path $serviceKey -Name MdlbridgeCreatedBy -Value 'Install-MdlBridge.ps1'
Set-Limits

& sc.exe start MdlBridge
if ($LASTEXITCODE -eq 577) {
    Write-Output 'not started (577): test signing is off or the certificate is not trusted: run Trust-TestCertificate.ps1, bcdedit /set testsigning on, reboot'
} elseif ($LASTEXITCODE -eq 1275) {
    Write-Output 'not started (1275): blocked by policy; turn off Memory Integrity (Windows Security > Device security > Core isolation) and reboot'
} elseif ($LASTEXITCODE -ne 0) {
    Write-Output "not started: sc.exe start returned $LASTEXITCODE"
}
exit $LASTEXITCODE
