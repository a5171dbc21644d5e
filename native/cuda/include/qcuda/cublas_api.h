// The few cuBLAS declarations we use, written from the documented API (cublas_api.h of CUDA 12/13),
// because cuBLAS is loaded at run time with dlopen and its headers need not be installed.
#pragma once
#include <cuda_runtime_api.h>

#include <string>

extern "C" {
struct cublasContext;
typedef struct cublasContext* cublasHandle_t;

typedef enum {
  CUBLAS_STATUS_SUCCESS = 0,
  CUBLAS_STATUS_NOT_INITIALIZED = 1,
  CUBLAS_STATUS_ALLOC_FAILED = 3,
  CUBLAS_STATUS_INVALID_VALUE = 7,
  CUBLAS_STATUS_ARCH_MISMATCH = 8,
  CUBLAS_STATUS_MAPPING_ERROR = 11,
  CUBLAS_STATUS_EXECUTION_FAILED = 13,
  CUBLAS_STATUS_INTERNAL_ERROR = 14,
  CUBLAS_STATUS_NOT_SUPPORTED = 15,
  CUBLAS_STATUS_LICENSE_ERROR = 16
} cublasStatus_t;

typedef enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 } cublasOperation_t;

typedef enum {
  CUBLAS_DEFAULT_MATH = 0,
  CUBLAS_TENSOR_OP_MATH = 1,
  CUBLAS_PEDANTIC_MATH = 2,
  CUBLAS_TF32_TENSOR_OP_MATH = 3
} cublasMath_t;

typedef cublasStatus_t (*cublasCreate_v2_t)(cublasHandle_t* handle);
typedef cublasStatus_t (*cublasDestroy_v2_t)(cublasHandle_t handle);
typedef cublasStatus_t (*cublasSetStream_v2_t)(cublasHandle_t handle, cudaStream_t stream);
typedef cublasStatus_t (*cublasSetMathMode_t)(cublasHandle_t handle, cublasMath_t mode);
typedef cublasStatus_t (*cublasGetVersion_v2_t)(cublasHandle_t handle, int* version);
typedef cublasStatus_t (*cublasSgemm_v2_t)(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                                           int m, int n, int k, const float* alpha, const float* A, int lda,
                                           const float* B, int ldb, const float* beta, float* C, int ldc);
typedef cublasStatus_t (*cublasSgemmStridedBatched_t)(cublasHandle_t handle, cublasOperation_t transa,
                                                      cublasOperation_t transb, int m, int n, int k,
                                                      const float* alpha, const float* A, int lda, long long strideA,
                                                      const float* B, int ldb, long long strideB, const float* beta,
                                                      float* C, int ldc, long long strideC, int batchCount);
}

namespace qc {

struct Cublas {
  cublasHandle_t handle = nullptr;
  cublasSgemm_v2_t sgemm = nullptr;
  cublasSgemmStridedBatched_t sgemm_strided_batched = nullptr;
};

// The loaded library and a handle bound to the device stream; throws LibraryError naming every
// place searched when no libcublas.so.13/.12 loads.
const Cublas& GetCublas();
// "libcublas.so.13 at <path> (version N)" or why it did not load; never throws. Loads on first call.
std::string CublasDescription(bool* ok);
// Throws CudaError naming `call` and the cuBLAS status unless it is CUBLAS_STATUS_SUCCESS.
void CheckCublas(int status, const char* call);

}  // namespace qc
