// The few NCCL declarations the data-parallel path uses, written from NCCL's documented C API
// (nccl.h of NCCL 2.x), because NCCL is loaded at run time with dlopen (libnccl.so.2: the system's
// or the Python environment's nvidia-nccl wheel) and its headers need not be installed.
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>

extern "C" {
typedef struct ncclComm* ncclComm_t;
#define QC_NCCL_UNIQUE_ID_BYTES 128
typedef struct {
  char internal[QC_NCCL_UNIQUE_ID_BYTES];
} ncclUniqueId;

typedef enum {
  ncclSuccess = 0,
  ncclUnhandledCudaError = 1,
  ncclSystemError = 2,
  ncclInternalError = 3,
  ncclInvalidArgument = 4,
  ncclInvalidUsage = 5,
  ncclRemoteError = 6,
  ncclInProgress = 7
} ncclResult_t;

typedef enum { ncclSum = 0 } ncclRedOp_t;
typedef enum { ncclFloat32 = 7 } ncclDataType_t;

typedef ncclResult_t (*ncclGetVersion_t)(int* version);
typedef ncclResult_t (*ncclGetUniqueId_t)(ncclUniqueId* id);
typedef ncclResult_t (*ncclCommInitRank_t)(ncclComm_t* comm, int nranks, ncclUniqueId id, int rank);
typedef ncclResult_t (*ncclCommDestroy_t)(ncclComm_t comm);
typedef ncclResult_t (*ncclCommAbort_t)(ncclComm_t comm);
typedef ncclResult_t (*ncclCommGetAsyncError_t)(ncclComm_t comm, ncclResult_t* async_error);
typedef const char* (*ncclGetErrorString_t)(ncclResult_t result);
typedef ncclResult_t (*ncclAllReduce_t)(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype,
                                        ncclRedOp_t op, ncclComm_t comm, cudaStream_t stream);
typedef ncclResult_t (*ncclBroadcast_t)(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype,
                                        int root, ncclComm_t comm, cudaStream_t stream);
}

namespace qc {

struct NcclApi {
  ncclGetVersion_t get_version = nullptr;
  ncclGetUniqueId_t get_unique_id = nullptr;
  ncclCommInitRank_t comm_init_rank = nullptr;
  ncclCommDestroy_t comm_destroy = nullptr;
  ncclCommAbort_t comm_abort = nullptr;
  ncclCommGetAsyncError_t comm_get_async_error = nullptr;
  ncclGetErrorString_t get_error_string = nullptr;
  ncclAllReduce_t all_reduce = nullptr;
  ncclBroadcast_t broadcast = nullptr;
};

// NCCL, loaded on first use (QUADRA_NCCL_PATH, the loader's search, then LibrarySearchDirs with
// nvidia/nccl/lib). Returns nullptr with *why saying what was tried and how to fix it.
const NcclApi* Nccl(std::string* why);
// "NCCL 2.x.y at <path>", or why it is unavailable (never throws).
std::string NcclDescription(bool* ok);
// Throws LibraryError naming the call and NCCL's error string unless r is ncclSuccess.
void NcclCheck(ncclResult_t r, const char* what);

}  // namespace qc
