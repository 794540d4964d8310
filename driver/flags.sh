# Sourced (not run) by driver/build.sh and driver/analyze.sh: the one definition of how the driver's C is
# compiled, so the static analyzer sees exactly the target, defines, include paths and warnings the build does.
# Needs $here (driver/) set by the caller; MDLB_MINGW overrides the mingw-w64 root.
# Why each flag: driver/README.md, "Why these compiler flags".
mingw="${MDLB_MINGW:-/usr/x86_64-w64-mingw32}"
mdlb_sources=(driver ops protocol table)
cflags=(--target=x86_64-pc-windows-msvc -nostdlibinc -isystem "$mingw/include/ddk" -isystem "$mingw/include"
        -I"$here/include" -I"$here/src"
        -fgnuc-version=4.2.1 -ffreestanding -fno-builtin -fno-stack-protector -fno-strict-aliasing
        -fasynchronous-unwind-tables -mno-stack-arg-probe -Wframe-larger-than=2048
        -g -gcodeview -O2 -std=c11 -Wall -Wextra -Werror
        -DMDLB_MINGW_DDK=1 -D_AMD64_ -D_WIN64 -DNTDDI_VERSION=0x0A000000 -D_WIN32_WINNT=0x0A00)
