@echo off
rem Runs Install-MdlBridge.ps1 beside this file. Windows 10/11 clients default to the Restricted execution policy, which
rem refuses every .ps1, and a kit unzipped from a download is marked as from the internet: Bypass applies to this
rem one powershell process only and changes no machine or user policy. Arguments are passed on as given.
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0Install-MdlBridge.ps1" %*
exit /b %ERRORLEVEL%
