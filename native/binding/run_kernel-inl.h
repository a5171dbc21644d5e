#pragma once
#include <new>

#include "quadra/errors.h"

namespace quadra::binding {

template <class F>
void RunKernel(Napi::Env env, F&& f) {
  try {
    f();
  } catch (const ArgumentError& e) {
    ThrowRange(env, e.what());
  } catch (const std::bad_alloc&) {
    Napi::Error err = Napi::Error::New(env, "QuadraLib: out of memory for scratch buffers");
    err.Set("code", Napi::String::New(env, "QUADRA_OUT_OF_MEMORY"));
    throw err;
  }
}

}  // namespace quadra::binding
