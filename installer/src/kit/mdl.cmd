@echo off
rem mdl from the test-machine kit: runs mdl.jar beside this file. Needs a Java 17 or later runtime on the PATH.
where java >nul 2>nul
if errorlevel 1 (
  echo mdl: no java on the PATH: install a Java 17 or later runtime, or use the PowerShell scripts in scripts\ 1>&2
  exit /b 2
)
java -jar "%~dp0mdl.jar" %*
