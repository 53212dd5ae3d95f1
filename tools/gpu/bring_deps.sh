#!/usr/bin/env bash
# For a GPU machine without ltp's build dependencies and without a network
# (this workplace's lent H200s): downloads the Debian packages the build needs
# into ./.gpu-deps (about 8.5 MiB, ignored by git). Carried along with the run,
# tools/gpu/check.sh unpacks them into a private prefix and builds against it;
# tools/gpu/test_bare_configure.sh checks that this list is enough.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .gpu-deps
cd .gpu-deps
rm -f ./*.deb  # one version of each package
# libdnnl2 needs libOpenCL.so.1 (ocl-icd-libopencl1). Debian's oneDNN was built
# with the OpenCL runtime, so its CMake config runs find_package(OpenCL
# REQUIRED): that needs CL/cl.h (opencl-c-headers) and the unversioned
# libOpenCL.so (ocl-icd-opencl-dev). pkgconf in case the machine has no pkg-config.
apt-get download libdnnl2 libdnnl-dev libcli11-dev nlohmann-json3-dev libsentencepiece0 libsentencepiece-dev \
  libutf8proc2 libutf8proc-dev doctest-dev ocl-icd-libopencl1 ocl-icd-opencl-dev opencl-c-headers \
  pkgconf pkgconf-bin libpkgconf3
du -sh .
