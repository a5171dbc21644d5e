// Which Highway target the dispatcher picks, and a test hook to restrict it.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd_target.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace quadra {
namespace HWY_NAMESPACE {
int64_t CurrentTarget() { return HWY_TARGET; }
}  // namespace HWY_NAMESPACE
}  // namespace quadra
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <cstring>

#include "quadra/kernels.h"

namespace quadra {

HWY_EXPORT(CurrentTarget);

const char* SimdTargetName() { return hwy::TargetName(HWY_DYNAMIC_DISPATCH(CurrentTarget)()); }

int SupportedSimdTargets(const char** names, int max_names) {
  int count = 0;
  const int64_t targets = hwy::SupportedTargets() & HWY_TARGETS;
  // Lower bits are better targets.
  for (int64_t t = targets; t != 0 && count < max_names; t &= t - 1) {
    names[count++] = hwy::TargetName(t & -t);
  }
  return count;
}

bool LimitSimdTarget(const char* name) {
  hwy::SetSupportedTargetsForTest(0);  // restore the real set first
  if (name == nullptr || name[0] == '\0') {
    hwy::GetChosenTarget().Update(hwy::SupportedTargets());
    return true;
  }
  const int64_t supported = hwy::SupportedTargets() & HWY_TARGETS;
  for (int64_t t = supported; t != 0; t &= t - 1) {
    const int64_t bit = t & -t;
    if (std::strcmp(hwy::TargetName(bit), name) == 0) {
      // Keep this target and every worse one (higher bits).
      const int64_t allowed = supported & ~(bit - 1);
      hwy::SetSupportedTargetsForTest(allowed);
      hwy::GetChosenTarget().Update(hwy::SupportedTargets());
      return true;
    }
  }
  return false;
}

}  // namespace quadra
#endif  // HWY_ONCE
