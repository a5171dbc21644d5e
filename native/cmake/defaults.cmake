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
