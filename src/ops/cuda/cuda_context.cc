#include "ops/cuda/cuda_context.h"

#include "ltp/error.h"

namespace ltp::ops {

namespace {

struct CudaContext {
  cudaStream_t stream = nullptr;
  cublasHandle_t cublas = nullptr;

  CudaContext() {
    check_cuda(cudaSetDevice(0), "cudaSetDevice(0)");
    check_cuda(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
    check_cublas(cublasCreate(&cublas), "cublasCreate");
    check_cublas(cublasSetStream(cublas, stream), "cublasSetStream");
  }
  // Process exit: the driver reclaims everything; destroying handles after it
  // has shut down would fail, so nothing is released here.
};

CudaContext& context() {
  if (const std::string& why = cuda_unavailable_reason(); !why.empty()) throw Error("CUDA: " + why);
  static CudaContext ctx;
  return ctx;
}

std::string ask_runtime_for_a_device() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess)
    return std::string("no CUDA device can be used here (the CUDA runtime says: ") + cudaGetErrorString(status) + ")";
  if (count == 0) return "no CUDA device is visible (check CUDA_VISIBLE_DEVICES)";
  return "";
}

}  // namespace

// Asked once: every op reaches this through cuda_stream(), and the answer
// cannot change within a process (CUDA_VISIBLE_DEVICES is read at start-up).
const std::string& cuda_unavailable_reason() {
  static const std::string reason = ask_runtime_for_a_device();
  return reason;
}

cudaStream_t cuda_stream() { return context().stream; }
cublasHandle_t cublas_handle() { return context().cublas; }

void check_cuda(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw Error(std::string("CUDA: ") + what + " failed: " + cudaGetErrorString(status));
}

void check_cublas(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw Error(std::string("cuBLAS: ") + what + " failed: " + cublasGetStatusString(status));
}

namespace {

// One thread's scratch. Threads share the stream, so a buffer shared between
// them would let one thread's kernels overwrite what another's queued kernels
// have yet to read. Freed when the thread ends (its runs have all been waited
// for); a destructor has nowhere to report an error, so none is checked.
struct ThreadScratch {
  void* data = nullptr;
  size_t bytes = 0;
  ~ThreadScratch() {
    if (data) cudaFree(data);
  }
};

}  // namespace

void* cuda_scratch(size_t bytes) {
  thread_local ThreadScratch scratch;
  if (bytes > scratch.bytes) {
    check_cuda(cudaStreamSynchronize(cuda_stream()), "cudaStreamSynchronize");  // this thread's ops may still read it
    if (scratch.data) check_cuda(cudaFree(scratch.data), "cudaFree");
    scratch.data = nullptr;
    scratch.bytes = 0;
    check_cuda(cudaMalloc(&scratch.data, bytes), "cudaMalloc (scratch)");
    scratch.bytes = bytes;
  }
  return scratch.data;
}

}  // namespace ltp::ops
