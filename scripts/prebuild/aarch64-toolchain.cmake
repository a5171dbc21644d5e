# Cross-compiling QuadraLib for linux-arm64 with Debian's g++-aarch64-linux-gnu. Highway and
# OpenBLAS come from an arm64 sysroot of Debian packages (scripts/prebuild/sysroot.mjs) named by
# QUADRA_SYSROOT; the C/C++ runtime and libgomp come with the cross compiler.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
if(NOT QUADRA_SYSROOT)
  set(QUADRA_SYSROOT "$ENV{QUADRA_SYSROOT}")
endif()
if(NOT QUADRA_SYSROOT)
  message(FATAL_ERROR "QUADRA_SYSROOT: the arm64 sysroot folder is not set")
endif()
# Libraries, headers and CMake packages from the sysroot only; programs from the host.
set(CMAKE_FIND_ROOT_PATH "${QUADRA_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# The sysroot's shared libraries (libhwy.so.1) need libstdc++ and libc at link time: the cross
# toolchain's own copies, plus the sysroot's folder for anything between sysroot libraries.
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${QUADRA_SYSROOT}/usr/lib/aarch64-linux-gnu")
