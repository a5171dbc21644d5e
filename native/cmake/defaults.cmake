# Settings every QuadraLib build shares: the CPU module (native/CMakeLists.txt) and the stand-alone
# CUDA build of a GPU machine (bench/gpu/cuda-only/CMakeLists.txt).
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_VISIBILITY_PRESET hidden)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()
if(NOT QUADRA_VERSION)
  set(QUADRA_VERSION "0.1.0")
endif()

# A sanitizer build for the tests (`pnpm test:asan`, scripts/test-asan.mjs), never shipped:
# QUADRA_SANITIZE=address,undefined instruments the C++ of both modules (nvcc's device code is
# not). UBSan stops at the first report so a finding fails the run; frame pointers keep the
# reports' stacks readable.
set(QUADRA_SANITIZE "" CACHE STRING "sanitizers for a test build, e.g. address,undefined (empty: none)")
# The kernels' optimisation level: -O1 under the sanitizers (the instrumented -O3 build of every
# Highway target takes many times longer to compile and finds nothing more).
set(QUADRA_KERNEL_OPT -O3)
if(QUADRA_SANITIZE)
  set(QUADRA_KERNEL_OPT -O1)
  add_compile_options(
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=${QUADRA_SANITIZE}>
    $<$<COMPILE_LANGUAGE:CXX>:-fno-sanitize-recover=all>
    $<$<COMPILE_LANGUAGE:CXX>:-fno-omit-frame-pointer>
    $<$<COMPILE_LANGUAGE:CXX>:-g>)
  add_link_options(-fsanitize=${QUADRA_SANITIZE})
  message(STATUS "QuadraLib sanitizers: ${QUADRA_SANITIZE}")
endif()
