// Where NVIDIA's run-time-loaded libraries (cuBLAS, NCCL) may live: system folders, CUDA's, and the
// Python environment's nvidia wheels, found by globbing the usual prefixes (no python3 is run).
#include <glob.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "qcuda/lib_search.h"

namespace qc {

bool IsDirectory(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

namespace {

std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

}  // namespace

std::vector<std::string> LibrarySearchDirs(const std::vector<std::string>& wheel_subdirs) {
  std::vector<std::string> dirs;
  auto env_dirs = [&](const char* var, const char* suffix) {
    if (const char* v = std::getenv(var)) {
      std::string s(v);
      size_t start = 0;
      while (start <= s.size()) {
        size_t end = s.find(':', start);
        if (end == std::string::npos) end = s.size();
        if (end > start) dirs.push_back(s.substr(start, end - start) + suffix);
        start = end + 1;
      }
    }
  };
  env_dirs("LD_LIBRARY_PATH", "");
  env_dirs("CUDA_HOME", "/lib64");
  env_dirs("CUDA_PATH", "/lib64");
  dirs.push_back("/usr/local/cuda/lib64");
  // Python prefixes: system, /usr/local, virtual environments under /opt and $HOME, conda.
  std::vector<std::string> site = {
      "/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages",
      "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
      "/opt/*/.venv/lib/python3*/site-packages", "/opt/*/venv/lib/python3*/site-packages",
      "/opt/*/lib/python3*/site-packages", "/opt/conda/lib/python3*/site-packages",
      "/root/.local/lib/python3*/site-packages", "/root/.venv/lib/python3*/site-packages",
  };
  for (const char* var : {"VIRTUAL_ENV", "CONDA_PREFIX", "HOME"}) {
    if (const char* v = std::getenv(var)) {
      site.push_back(std::string(v) + "/lib/python3*/site-packages");
      site.push_back(std::string(v) + "/.local/lib/python3*/site-packages");
    }
  }
  if (const char* v = std::getenv("CONDA_PREFIX")) dirs.push_back(std::string(v) + "/lib");
  for (const std::string& s : site) {
    for (const std::string& sub : wheel_subdirs) {
      for (const std::string& d : Glob(s + sub)) dirs.push_back(d);
    }
  }
  return dirs;
}

}  // namespace qc
