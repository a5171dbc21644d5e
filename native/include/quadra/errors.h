// Errors raised by kernels before any work starts. The binding turns them into JS RangeErrors.
#pragma once
#include <stdexcept>
#include <string>

namespace quadra {

class ArgumentError : public std::invalid_argument {
 public:
  explicit ArgumentError(const std::string& msg) : std::invalid_argument(msg) {}
};

#define QUADRA_CHECK_ARG(cond, msg)                          \
  do {                                                       \
    if (!(cond)) throw ::quadra::ArgumentError(msg);         \
  } while (0)

}  // namespace quadra
