@echo off
rem mdl.cmd - runs the mdl tool from this checkout. The first use, or any change to the Java sources, builds the
rem shaded jar with the Maven wrapper. A source is a .java file, a pom.xml or a main resource newer than the jar;
rem build output (any target\ directory, written by the same build that makes the jar) never counts.
setlocal
set "HERE=%~dp0"
set "JAR=%HERE%java\cli\target\mdl.jar"
where java >nul 2>nul
if errorlevel 1 (
  echo mdl: no java on the PATH: install a Java 17 or later runtime 1>&2
  exit /b 2
)
set "STALE=1"
if exist "%JAR%" (
  powershell -NoProfile -NonInteractive -Command "$j=(Get-Item -LiteralPath $env:JAR).LastWriteTimeUtc; $n=Get-ChildItem -LiteralPath (Join-Path $env:HERE 'java') -Recurse -File -ErrorAction SilentlyContinue | Where-Object { $_.FullName -notmatch '\\target\\' -and ($_.Name -like '*.java' -or $_.Name -eq 'pom.xml' -or $_.FullName -match '\\src\\main\\resources\\') -and $_.LastWriteTimeUtc -gt $j } | Select-Object -First 1; if ($n -or (Get-Item -LiteralPath (Join-Path $env:HERE 'pom.xml')).LastWriteTimeUtc -gt $j) { exit 1 } else { exit 0 }" >nul 2>nul
  if not errorlevel 1 set "STALE="
)
if defined STALE (
  echo mdl: building the command-line tool ^(first use, or the sources changed^) ... 1>&2
  call "%HERE%mvnw.cmd" -q -B -f "%HERE%pom.xml" -pl java/cli -am package -DskipTests 1>&2
  if errorlevel 1 (
    echo mdl: the build failed; run mvnw.cmd -pl java/cli -am package to see why 1>&2
    exit /b 2
  )
)
java %MDL_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
