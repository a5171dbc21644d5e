// Libraries loaded at run time with dlopen (cuBLAS, NCCL): the folders to search
// (runtime/lib_search.cc) and symbol lookup.
#pragma once
#include <dlfcn.h>

#include <string>
#include <vector>

namespace qc {

bool IsDirectory(const std::string& p);
// LD_LIBRARY_PATH, $CUDA_HOME/lib64, $CUDA_PATH/lib64, /usr/local/cuda/lib64, $CONDA_PREFIX/lib, then
// <site-packages><sub> for each of `wheel_subdirs` (e.g. "/nvidia/nccl/lib") under the system,
// /usr/local, /opt virtual environments, conda, $VIRTUAL_ENV and $HOME prefixes.
std::vector<std::string> LibrarySearchDirs(const std::vector<std::string>& wheel_subdirs);

// *out = the symbol `name` of `lib`; false with *why = "symbol <name> missing" when absent.
template <class F>
bool Sym(void* lib, const char* name, F* out, std::string* why) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  if (!*out) *why = std::string("symbol ") + name + " missing";
  return *out != nullptr;
}

}  // namespace qc
