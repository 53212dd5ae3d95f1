#include "ops/cuda/linear_gpu.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstring>
#include <vector>

#include "ops/cuda/cuda_context.h"
#include "ops/memory.h"

namespace ltp::ops {

namespace {

constexpr unsigned kThreads = 256;

template <class T>
__device__ T from_float(float x);
template <>
__device__ __half from_float<__half>(float x) { return __float2half_rn(x); }
template <>
__device__ __nv_bfloat16 from_float<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }

template <class T>
__global__ void convert_kernel(const float* x, long long n, T* out) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    out[i] = from_float<T>(x[i]);
}

// y[r][c] = act(y[r][c] + bias[c]); for AddToOutput y already holds residual + X·Wᵀ.
// Threads run along the columns and blocks down the rows, so each thread loads
// its bias once and no index needs a division.
__global__ void bias_epilogue_kernel(float* y, const float* bias, long long rows, long long n, int epilogue) {
  const long long c = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (c >= n) return;
  const float b = bias[c];
  for (long long r = blockIdx.y; r < rows; r += gridDim.y) {
    float v = y[r * n + c] + b;
    if (epilogue == static_cast<int>(Epilogue::Gelu)) v = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
    if (epilogue == static_cast<int>(Epilogue::Tanh)) v = tanhf(v);
    y[r * n + c] = v;
  }
}

unsigned grid_for(long long n) { return blocks_for(n, kThreads) < 65535u ? blocks_for(n, kThreads) : 65535u; }

constexpr unsigned kMaxGridY = 65535;  // CUDA's limit on gridDim.y

size_t element_bytes(cudaDataType_t type) { return type == CUDA_R_32F ? 4 : 2; }

// The host bytes of `weight` in `type`.
std::vector<uint16_t> to_half_bits(const Tensor& weight, cudaDataType_t type) {
  std::vector<uint16_t> bits(static_cast<size_t>(weight.size()));
  for (int64_t i = 0; i < weight.size(); ++i) {
    const float x = weight.data()[i];
    if (type == CUDA_R_16F) {
      const __half h = __float2half_rn(x);
      std::memcpy(&bits[static_cast<size_t>(i)], &h, sizeof(uint16_t));
    } else {
      const __nv_bfloat16 b = __float2bfloat16_rn(x);
      std::memcpy(&bits[static_cast<size_t>(i)], &b, sizeof(uint16_t));
    }
  }
  return bits;
}

}  // namespace

template <>
std::unique_ptr<LinearBackend> make_linear_backend<Device::CUDA>(const Tensor& weight, const Tensor& bias,
                                                                 Precision precision, const Tensor&) {
  // Smoothing serves int8 only, which CUDA refuses (require_device).
  return std::make_unique<CudaLinear>(weight, bias, precision);
}

CudaLinear::CudaLinear(const Tensor& weight, const Tensor& bias, Precision precision)
    : in_(weight.dim(1)),
      out_(weight.dim(0)),
      input_type_(precision == Precision::FP16   ? CUDA_R_16F
                  : precision == Precision::BF16 ? CUDA_R_16BF
                                                 : CUDA_R_32F),
      compute_type_(precision == Precision::TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F),
      weights_(nullptr, DeviceRelease{Device::CUDA}),
      bias_(bias.to(Device::CUDA)) {
  const size_t count = static_cast<size_t>(weight.size());
  weights_.reset(allocate(Device::CUDA, count * element_bytes(input_type_)));
  if (input_type_ == CUDA_R_32F) {
    copy(weight.data(), Device::CPU, weights_.get(), Device::CUDA, count * sizeof(float));
  } else {
    const std::vector<uint16_t> bits = to_half_bits(weight, input_type_);
    copy(bits.data(), Device::CPU, weights_.get(), Device::CUDA, count * sizeof(uint16_t));
  }
}

void CudaLinear::forward(const float* x, int64_t m, float* y, Epilogue epilogue) const {
  cudaStream_t stream = cuda_stream();
  const void* a = x;
  if (input_type_ != CUDA_R_32F) {
    const long long n = m * in_;
    void* converted = cuda_scratch(static_cast<size_t>(n) * 2);
    if (input_type_ == CUDA_R_16F)
      convert_kernel<<<grid_for(n), kThreads, 0, stream>>>(x, n, static_cast<__half*>(converted));
    else
      convert_kernel<<<grid_for(n), kThreads, 0, stream>>>(x, n, static_cast<__nv_bfloat16*>(converted));
    check_cuda(cudaGetLastError(), "convert_kernel");
    a = converted;
  }
  const float alpha = 1.0f, beta = epilogue == Epilogue::AddToOutput ? 1.0f : 0.0f;
  check_cublas(cublasGemmEx(cublas_handle(), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(out_), static_cast<int>(m),
                            static_cast<int>(in_), &alpha, weights_.get(), input_type_, static_cast<int>(in_), a,
                            input_type_, static_cast<int>(in_), &beta, y, CUDA_R_32F, static_cast<int>(out_),
                            compute_type_, CUBLAS_GEMM_DEFAULT),
               "cublasGemmEx");
  const dim3 grid(blocks_for(out_, kThreads), m < kMaxGridY ? static_cast<unsigned>(m) : kMaxGridY);
  bias_epilogue_kernel<<<grid, kThreads, 0, stream>>>(y, bias_.data(), m, out_, static_cast<int>(epilogue));
  check_cuda(cudaGetLastError(), "bias_epilogue_kernel");
}

}  // namespace ltp::ops
