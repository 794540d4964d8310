@echo off
rem mdl.cmd - runs the mdl tool from this checkout. The first use builds the shaded jar with the Maven wrapper
rem (later source changes: delete java\cli\target\mdl.jar or run mvnw -pl java/cli -am package).
setlocal
set "HERE=%~dp0"
set "JAR=%HERE%java\cli\target\mdl.jar"
where java >nul 2>nul
if errorlevel 1 (
  echo mdl: no java on the PATH: install a Java 17 or later runtime 1>&2
  exit /b 2
)
if not exist "%JAR%" (
  echo mdl: building the command-line tool ^(first use^) ... 1>&2
  call "%HERE%mvnw.cmd" -q -B -f "%HERE%pom.xml" -pl java/cli -am package -DskipTests 1>&2
  if errorlevel 1 (
    echo mdl: the build failed; run mvnw.cmd -pl java/cli -am package to see why 1>&2
    exit /b 2
  )
)
java %MDL_JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
