// Folders to search for a library loaded at run time with dlopen (runtime/lib_search.cc).
#pragma once
#include <string>
#include <vector>

namespace qc {

bool IsDirectory(const std::string& p);
// LD_LIBRARY_PATH, $CUDA_HOME/lib64, $CUDA_PATH/lib64, /usr/local/cuda/lib64, $CONDA_PREFIX/lib, then
// <site-packages><sub> for each of `wheel_subdirs` (e.g. "/nvidia/nccl/lib") under the system,
// /usr/local, /opt virtual environments, conda, $VIRTUAL_ENV and $HOME prefixes.
std::vector<std::string> LibrarySearchDirs(const std::vector<std::string>& wheel_subdirs);

}  // namespace qc
